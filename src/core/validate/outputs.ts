import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { renderAnnotations } from '../report/github.js';
import { renderValidationHtml } from '../report/html/validation.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import type { ValidationReport } from './report.js';

export interface OutputTargets {
  cwd: string;
  /** A file for the JSON document (stdout is the command's business). */
  jsonFile?: string;
  junitFile?: string;
  markdownFile?: string;
  /** --html FILE: the side-by-side case table. */
  htmlFile?: string;
  processEnv: NodeJS.ProcessEnv;
}

/** The report files to write: [absolute path, content, append?]. Data first, one writer below. */
export function plannedFiles(report: ValidationReport, t: OutputTargets): Array<{ file: string; content: string; append: boolean }> {
  const files: Array<{ file: string; content: string; append: boolean }> = [];
  const at = (f: string) => path.resolve(t.cwd, f);
  if (t.jsonFile) files.push({ file: at(t.jsonFile), content: `${JSON.stringify(report, null, 2)}\n`, append: false });
  if (t.junitFile) files.push({ file: at(t.junitFile), content: renderJunit(report), append: false });
  if (t.htmlFile) files.push({ file: at(t.htmlFile), content: renderValidationHtml(report), append: false });
  const markdown = t.markdownFile || t.processEnv.GITHUB_STEP_SUMMARY ? renderMarkdown(report) : '';
  if (t.markdownFile) files.push({ file: at(t.markdownFile), content: markdown, append: false });
  // GitHub renders the step summary from everything appended to this file during the job.
  if (t.processEnv.GITHUB_STEP_SUMMARY) files.push({ file: t.processEnv.GITHUB_STEP_SUMMARY, content: `${markdown}\n`, append: true });
  return files;
}

export async function writeReportFiles(files: ReturnType<typeof plannedFiles>): Promise<void> {
  for (const f of files) {
    await mkdir(path.dirname(f.file), { recursive: true });
    if (f.append) await appendFile(f.file, f.content);
    else await writeFileAtomic(f.file, f.content);
  }
}

/** `::error` lines when running on GitHub Actions, else none. */
export function annotationsFor(report: ValidationReport, env: NodeJS.ProcessEnv): string[] {
  return env.GITHUB_ACTIONS === 'true' ? renderAnnotations(report) : [];
}
