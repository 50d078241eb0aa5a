/** Text for SVG and HTML (attributes in double quotes): &, <, > and " escaped. */
export function escapeXml(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
