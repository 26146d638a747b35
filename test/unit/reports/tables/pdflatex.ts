/**
 * Compiles LaTeX tables with pdflatex, when the machine has it, as a paper would: the tables
 * \input into a minimal article with the packages tables.tex's header asks for. Machines
 * without TeX skip the compile checks (the string checks beside them still run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasPdflatex = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' }).status === 0;

export interface CompileResult {
  readonly ok: boolean;
  /** The log's error lines (those starting with `!`) and the line after each. */
  readonly errors: string;
  /** The log's `Overfull \hbox` lines: something ran past the line (a table off the page). */
  readonly overfull: readonly string[];
}

/** `preamble`: \usepackage lines beyond booktabs and graphicx (say, \usepackage[T1]{fontenc}). */
export function compileTables(tablesTex: string, preamble = ''): CompileResult {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-tex-'));
  try {
    writeFileSync(join(dir, 'tables.tex'), tablesTex);
    writeFileSync(join(dir, 'paper.tex'), `\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n${preamble}\n\\begin{document}\n\\input{tables.tex}\n\\end{document}\n`);
    const run = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', '-no-shell-escape', 'paper.tex'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const log = readFileSync(join(dir, 'paper.log'), 'latin1');
    const errors = log.split('\n').flatMap((line, i, all) => (line.startsWith('!') ? [line, all[i + 1] ?? ''] : [])).join('\n');
    const overfull = log.split('\n').filter((line) => line.startsWith('Overfull \\hbox'));
    return { ok: run.status === 0 && errors === '', errors, overfull };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
