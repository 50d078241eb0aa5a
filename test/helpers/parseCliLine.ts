/**
 * A seedscope command line as written in a CI script, parsed by the real
 * program (its commander options and parsers) without running anything:
 * every command's action is replaced by one that records its options.
 */
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';

export interface ParsedCliLine {
  /** e.g. 'bench' or 'bench rdm' */
  command: string;
  options: Record<string, unknown>;
  /** the file stdout is redirected to (`> FILE`), if any */
  stdoutTo?: string;
}

/** Shell words of one simple command: quotes removed, stops at a pipe, a list operator or a comment. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (!inWord && (c === '|' || c === ';' || c === '&' || c === '#')) {
      break;
    } else if (c === '>') {
      if (inWord) words.push(cur);
      words.push('>');
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${line}`);
  if (inWord) words.push(cur);
  return words;
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

/** Throws commander's error (the message a user would see) when the line does not parse. */
export function parseSeedscopeLine(line: string): ParsedCliLine {
  const words = shellWords(line.trim());
  const start = words.indexOf('seedscope');
  if (start < 0) throw new Error(`no seedscope command in: ${line}`);
  let args = words.slice(start + 1);
  let stdoutTo: string | undefined;
  const redirect = args.indexOf('>');
  if (redirect >= 0) {
    stdoutTo = args[redirect + 1];
    args = args.slice(0, redirect);
  }
  const program = buildProgram();
  let parsed: ParsedCliLine | undefined;
  for (const cmd of allCommands(program)) {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
    cmd.action((...handlerArgs: unknown[]) => {
      const self = handlerArgs[handlerArgs.length - 1] as Command;
      const names: string[] = [];
      for (let c: Command | null = self; c && c !== program; c = c.parent) names.unshift(c.name());
      parsed = { command: names.join(' '), options: self.opts(), stdoutTo };
    });
  }
  program.parse(args, { from: 'user' });
  if (!parsed) throw new Error(`no command ran for: ${line}`);
  return parsed;
}
