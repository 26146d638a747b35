/**
 * The HTML report's sample browser: for each task, a few inputs (images inlined as small data
 * URIs) with every model's prediction, its per-sample score, and the references. Samples on
 * which the models disagree most are shown first: they are the informative ones.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import sharp from 'sharp';
import type { PredictionRecord, SampleScoreRecord } from '../records.js';
import type { ReportData, ReportModel } from '../report-model.js';
import { readPredictions, readSampleScores, resolveMedia, type LoadedRun } from '../run-reader.js';
import { escapeHtml } from './escape.js';
import { pythonRound } from '../metrics/python-round.js';
import { predictionText } from '../prediction-text.js';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff']);
const THUMBNAIL_PX = 160;

interface ModelSample {
  readonly model: ReportModel;
  readonly prediction: PredictionRecord;
  readonly score: SampleScoreRecord | undefined;
}

function inputHtml(p: PredictionRecord): string {
  switch (p.kind) {
    case 'captioning': return `<p class="refs"><b>References</b></p><ul>${p.references.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`;
    case 'vqa': return `<p><b>Q:</b> ${escapeHtml(p.question)} <span class="tag">${escapeHtml(p.answerType)}</span></p><p class="refs"><b>Human answers:</b> ${escapeHtml(p.answers.join(', '))}</p>`;
    case 'instruction': return `<p><b>Prompt:</b> ${escapeHtml(p.prompt)} <span class="tag">${escapeHtml(p.category)}</span></p><p class="refs"><b>Answer:</b> ${escapeHtml(p.mode === 'multiple-choice' ? (p.choices[p.answerIndex] ?? '?') : p.answers.join(' / '))}</p>`;
    case 'retrieval': return `<p><b>${p.direction === 'i2t' ? 'Image → text' : 'Text → image'} query</b>; ground truth: ${escapeHtml(p.groundTruth.join(', '))}</p>`;
    case 'failed': return `<p>${escapeHtml(p.location)}</p>`;
    default: {
      const never: never = p;
      return never;
    }
  }
}

async function thumbnail(run: LoadedRun, media: readonly string[]): Promise<string> {
  const first = media[0];
  if (first === undefined) return '';
  const path = resolveMedia(run, first);
  if (!IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) return `<p class="media">${escapeHtml(first)}</p>`;
  if (!existsSync(path)) return `<p class="media missing">image not found: ${escapeHtml(first)}</p>`;
  const png = await sharp(path).resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', kernel: 'nearest', withoutEnlargement: false }).png().toBuffer();
  return `<img alt="${escapeHtml(first)}" src="data:image/png;base64,${png.toString('base64')}">`;
}

function scoreText(score: SampleScoreRecord | undefined, metrics: readonly string[]): string {
  if (!score) return '';
  const shown = metrics.filter((m) => typeof score.scores[m] === 'number').slice(0, 2);
  const keys = shown.length ? shown : Object.keys(score.scores).slice(0, 2);
  // Rounded as the tables round (exact ties to even), trailing zeros dropped.
  return keys.map((k) => `${escapeHtml(k)} ${pythonRound(score.scores[k]!, 3)}`).join(', ');
}

/** Picks `perTask` sample ids per task, most disagreement first. */
function pickSamples(all: readonly ModelSample[][], perTask: number): ModelSample[][] {
  return [...all]
    .sort((a, b) => new Set(b.map((s) => predictionText(s.prediction))).size - new Set(a.map((s) => predictionText(s.prediction))).size || a[0]!.prediction.sampleId.localeCompare(b[0]!.prediction.sampleId))
    .slice(0, perTask);
}

/** `loaded`: the runs `data` was built from, in the order of `data.runs`. */
export async function sampleBrowserHtml(data: ReportData, loaded: readonly LoadedRun[], perTask = 4): Promise<string> {
  const runs = new Map<string, LoadedRun>(data.runs.map((r, i) => [r.label, loaded[i]!]));
  const sections: string[] = [];
  for (const task of data.tasks) {
    const bySample = new Map<string, ModelSample[]>();
    for (const result of data.results.filter((r) => r.task === task.id)) {
      const run = runs.get(result.model.run.label)!;
      const scores = new Map(readSampleScores(run, result.model.modelId, task.id).map((s) => [s.sampleId, s]));
      for (const prediction of readPredictions(run, result.model.modelId, task.id)) {
        const list = bySample.get(prediction.sampleId) ?? [];
        list.push({ model: result.model, prediction, score: scores.get(prediction.sampleId) });
        bySample.set(prediction.sampleId, list);
      }
    }
    const chosen = pickSamples([...bySample.values()], perTask);
    if (chosen.length === 0) continue;
    const cards: string[] = [];
    for (const samples of chosen) {
      const first = samples[0]!;
      const image = await thumbnail(runs.get(first.model.run.label)!, 'media' in first.prediction ? first.prediction.media : []);
      const rows = samples.map((s) => `<tr><td><span class="swatch" data-family="${escapeHtml(s.model.familyLabel)}"></span>${escapeHtml(s.model.label)}</td><td>${escapeHtml(predictionText(s.prediction))}</td><td class="num">${scoreText(s.score, task.metrics)}</td></tr>`);
      cards.push(`<div class="sample"><div class="thumb">${image}</div><div class="detail"><p class="sid">${escapeHtml(first.prediction.sampleId)}</p>${inputHtml(first.prediction)}<table><thead><tr><th>model</th><th>prediction</th><th>score</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></div>`);
    }
    sections.push(`<h3>${escapeHtml(task.id)} <span class="tag">${escapeHtml(task.kind)}</span></h3>${cards.join('\n')}`);
  }
  return sections.join('\n');
}
