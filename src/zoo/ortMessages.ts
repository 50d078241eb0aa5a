/**
 * onnxruntime speaks only through seedscope: its own logger is set to
 * fatal-only (its coloured `[E:onnxruntime:…]` / `[W:onnxruntime:…]` lines
 * would otherwise reach stderr beside seedscope's one-line error), and its
 * error messages are rewritten into one line: the C++ source location and
 * function signature it starts with are dropped, a failing kernel is named
 * by node and operator, and an opset newer than it supports is said plainly.
 */
import { env, type InferenceSession } from 'onnxruntime-node';
import { oneLine } from '../errors.js';

/** Session options that keep onnxruntime's logger quiet (4 = fatal). */
export const QUIET_SESSION: Pick<InferenceSession.SessionOptions, 'logSeverityLevel' | 'logVerbosityLevel'> = {
  logSeverityLevel: 4,
  logVerbosityLevel: 0,
};

/** Sets onnxruntime's process-wide default logger to fatal-only; call before the first session. */
export function quietOnnxruntime(): void {
  env.logLevel = 'fatal';
}

export function onnxruntimeVersion(): string {
  return env.versions.node ?? env.versions.common ?? 'unknown';
}

/** Drops a leading "/path/file.h:46 void ns::f(args…) " that onnxruntime puts before its sentence. */
function withoutSourceLocation(text: string): string {
  const m = /^\S+\.(?:h|hpp|cc|cpp|c):\d+\s+/.exec(text);
  if (!m) return text;
  let i = m[0].length;
  const open = text.indexOf('(', i);
  if (open < 0) return text.slice(i);
  let depth = 0;
  for (i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) break;
  }
  return text.slice(i + 1).replace(/^\s*(?:const\s*)?/, '');
}

/**
 * One line for an onnxruntime error. `inputShape`, when given, is the shape
 * of the batch that was fed (named with a failing node).
 */
export function describeOrtError(err: unknown, inputShape?: readonly number[]): string {
  const raw = err instanceof Error ? err.message : String(err);
  const opset = /Opset (\d+) is under development[\s\S]*?support for domain (\S+) is till opset (\d+)/.exec(raw);
  if (opset) return `the model uses opset ${opset[1]} of ${opset[2]}; onnxruntime ${onnxruntimeVersion()} supports up to ${opset[3]}`;
  const kernel = /running (\S+) node\. Name:'([^']*)' Status Message: ([\s\S]*)/.exec(raw);
  if (kernel) {
    const shape = inputShape ? ` on input of shape [${inputShape.join(', ')}]` : '';
    return `onnxruntime failed in node '${kernel[2]}' (${kernel[1]})${shape}: ${oneLine(withoutSourceLocation(kernel[3]!.trim()))}`;
  }
  return oneLine(withoutSourceLocation(raw.trim()));
}
