/**
 * Every dataset loader by registered name. Exhaustive by construction: a name without a loader
 * (or the reverse) does not compile, and suites can only name these. Each is served with its ids
 * checked (ids.ts), since a format's own ids can repeat (two questions with one question_id).
 */
import { withUniqueIds } from './ids.js';
import type { DatasetLoader } from './loader.js';
import { audiocaps } from './loaders/audiocaps.js';
import { clothoAqa } from './loaders/clotho-aqa.js';
import { clothoCaption } from './loaders/clotho-caption.js';
import { cocoCaptions } from './loaders/coco-captions.js';
import { csv } from './loaders/csv.js';
import { gqa } from './loaders/gqa.js';
import { iconqa } from './loaders/iconqa.js';
import { jsonl } from './loaders/jsonl.js';
import { karpathyCaption } from './loaders/karpathy-caption.js';
import { karpathyRetrieval } from './loaders/karpathy-retrieval.js';
import { modelnet } from './loaders/modelnet.js';
import { msvdQa } from './loaders/msvd-qa.js';
import { nocaps } from './loaders/nocaps.js';
import { okvqa } from './loaders/okvqa.js';
import { scienceqa } from './loaders/scienceqa.js';
import { vizwiz } from './loaders/vizwiz.js';
import { videoCaption } from './loaders/video-caption.js';
import { vqav2 } from './loaders/vqav2.js';

export type LoaderName =
  | 'karpathy-caption' | 'karpathy-retrieval' | 'coco-captions' | 'nocaps' | 'vqav2' | 'okvqa' | 'gqa' | 'scienceqa' | 'iconqa'
  | 'vizwiz' | 'jsonl' | 'csv' | 'audiocaps' | 'clotho-caption' | 'clotho-aqa' | 'modelnet' | 'msvd-qa' | 'video-caption';

const LOADERS: Record<LoaderName, DatasetLoader> = {
  'karpathy-caption': karpathyCaption,
  'karpathy-retrieval': karpathyRetrieval,
  'coco-captions': cocoCaptions,
  nocaps,
  vqav2,
  okvqa,
  gqa,
  scienceqa,
  iconqa,
  vizwiz,
  jsonl,
  csv,
  audiocaps,
  'clotho-caption': clothoCaption,
  'clotho-aqa': clothoAqa,
  modelnet,
  'msvd-qa': msvdQa,
  'video-caption': videoCaption,
};

function withCheckedIds(loader: DatasetLoader): DatasetLoader {
  return { ...loader, load: (input) => withUniqueIds(loader.load(input)) };
}

export const DATASET_LOADERS: ReadonlyMap<string, DatasetLoader> = new Map(Object.entries(LOADERS).map(([name, loader]) => [name, withCheckedIds(loader)]));
