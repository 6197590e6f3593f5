// Reads action.yml, and runs its steps' scripts as the GitHub runner would.
//
// Not a YAML parser: a reader of the small, block-style subset action.yml is written in (nested
// mappings and sequences of one-line scalars: plain, 'single' or "double" quoted). Anything
// outside it (block scalars, flow collections, anchors, tags, tabs) is an error, so a check
// built on it cannot pass by misreading the file: extend the reader, or keep action.yml simple.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

export type YamlNode = string | YamlNode[] | { [key: string]: YamlNode };

interface Line {
  indent: number;
  text: string;
  number: number;
}

/** Where a quoted value that opens at `start` closes: '' inside single quotes and \x inside double quotes do not. */
function closingQuote(text: string, start: number, quote: string): number {
  for (let i = start; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote && quote === "'" && text[i + 1] === "'") i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

/** The line without its comment: a " #" outside the value's quotes (YAML's rule for block lines). */
function stripComment(text: string): string {
  const value = /^(\s*(?:- )*(?:[A-Za-z0-9_.-]+: )?)(['"])/.exec(text);
  const from = value ? Math.min(closingQuote(text, value[0].length, value[2]!) + 1, text.length) : 0;
  const hash = text.slice(from).search(/(^| )#/);
  return (hash < 0 ? text : text.slice(0, from + hash)).trimEnd();
}

function scalar(raw: string, line: Line): string {
  if (/^[|>&*!{[]/.test(raw) || raw.startsWith('? ')) throw new Error(`action.yml line ${line.number}: "${raw}" is outside the subset this reader knows`);
  if (raw.startsWith("'")) {
    if (!raw.endsWith("'") || raw.length < 2) throw new Error(`action.yml line ${line.number}: unterminated quote`);
    return raw.slice(1, -1).replace(/''/g, "'");
  }
  if (raw.startsWith('"')) return JSON.parse(raw) as string;
  // Every value is a string here: YAML would type these (booleans, numbers, null).
  if (/^(true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9][0-9._]*([eE][-+]?[0-9]+)?|[-+]?\.(inf|nan))$/i.test(raw)) {
    throw new Error(`action.yml line ${line.number}: quote ${raw}: YAML would not read it as a string`);
  }
  // YAML would read these otherwise (a nested key) or refuse them.
  if (/: |:$| #/.test(raw)) throw new Error(`action.yml line ${line.number}: quote "${raw}": a plain scalar cannot hold ': ' or ' #'`);
  return raw;
}

function splitKey(text: string, line: Line): [string, string] {
  const match = /^([A-Za-z0-9_.-]+):(?: (.*))?$/.exec(text);
  if (!match) throw new Error(`action.yml line ${line.number}: expected "key: value", got "${text}"`);
  return [match[1]!, match[2] ?? ''];
}

function block(lines: Line[], start: number, indent: number): [YamlNode, number] {
  const first = lines[start]!;
  if (first.text.startsWith('- ')) {
    const items: YamlNode[] = [];
    let i = start;
    while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
      // The item's first line, without "- ", is the first line of a block two columns in.
      const inner = { indent: indent + 2, text: lines[i]!.text.slice(2), number: lines[i]!.number };
      const [item, next] = block([...lines.slice(0, i), inner, ...lines.slice(i + 1)], i, indent + 2);
      items.push(item);
      i = next;
    }
    return [items, i];
  }
  const map: { [key: string]: YamlNode } = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && !lines[i]!.text.startsWith('- ')) {
    const line = lines[i]!;
    const [key, rest] = splitKey(line.text, line);
    if (key in map) throw new Error(`action.yml line ${line.number}: "${key}" twice`);
    if (rest !== '') {
      map[key] = scalar(rest, line);
      i++;
    } else if (i + 1 < lines.length && lines[i + 1]!.indent > indent) {
      [map[key], i] = block(lines, i + 1, lines[i + 1]!.indent);
    } else {
      map[key] = '';
      i++;
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new Error(`action.yml line ${lines[i]!.number}: unexpected indentation`);
  return [map, i];
}

export function readYamlSubset(text: string): YamlNode {
  if (text.includes('\t')) throw new Error('action.yml has a tab');
  const lines: Line[] = text.split('\n').flatMap((raw, n) => {
    const text = stripComment(raw);
    return text.trim() === '' || text.trim() === '---' ? [] : [{ indent: text.length - text.trimStart().length, text: text.trimStart(), number: n + 1 }];
  });
  const [root, end] = block(lines, 0, 0);
  if (end !== lines.length) throw new Error(`action.yml line ${lines[end]!.number}: not read`);
  return root;
}

export interface ActionStep {
  name?: string;
  uses?: string;
  shell?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

export interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  steps: ActionStep[];
}

export const actionYmlPath = join(projectRoot, 'action.yml');

export function readAction(text = readFileSync(actionYmlPath, 'utf8')): Action {
  const root = readYamlSubset(text) as { inputs?: Action['inputs']; runs?: { using?: string; steps?: ActionStep[] } };
  if (root.runs?.using !== 'composite' || !Array.isArray(root.runs.steps)) throw new Error('action.yml: not a composite action with steps');
  return { inputs: root.inputs ?? {}, steps: root.runs.steps };
}

/**
 * A step's `env:` as the runner would set it: each value's `${{ inputs.NAME }}` replaced by the
 * input's value (or its default). Any other expression is an error: the test models only these.
 */
export function stepEnv(action: Action, step: ActionStep, inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.env ?? {})) {
    env[name] = value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
      const input = /^inputs\.([a-z][a-z0-9-]*)$/.exec(expression)?.[1];
      if (input === undefined || !(input in action.inputs)) throw new Error(`action.yml: env ${name} uses \${{ ${expression} }}, which this test does not model`);
      return inputs[input] ?? action.inputs[input]!.default ?? '';
    });
  }
  return env;
}

/**
 * Runs a step's `run:` script as the runner runs `shell: bash` (bash --noprofile --norc -eo
 * pipefail). Asynchronous: a test's index server answers from the same event loop.
 */
export function runStep(step: ActionStep, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (step.shell !== 'bash' || step.run === undefined) throw new Error(`action.yml: step "${step.name}" is not a bash script`);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
