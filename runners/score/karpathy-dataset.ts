/**
 * Karpathy's split files (dataset_coco.json, dataset_flickr30k.json: `{"images": [{"filename",
 * "imgid", "cocoid"?, "sentences": [{"raw", "tokens"}], "split"}], "dataset"}`) are recognised
 * and refused with a conversion recipe. They hold every split, and none of their fields is
 * LAVIS's image id for Flickr30k, so reading them directly would mean guessing.
 */
import { MetricInputError, isPlainObject } from '../../reports/metrics/input-error.js';

export function isKarpathyDataset(json: unknown): json is { images: unknown[]; dataset?: unknown } {
  if (!isPlainObject(json) || !Array.isArray(json.images) || 'annotations' in json) return false;
  const first: unknown = json.images[0];
  return isPlainObject(first) && Array.isArray(first.sentences);
}

/**
 * The id LAVIS writes into caption results: COCOCapEvalDataset (also used for Flickr30k) takes
 * the number after the last "_" of the file name, so the COCO id for COCO_val2014_000000391895.jpg
 * (Karpathy's "cocoid") and the file number for Flickr30k's 1007129816.jpg.
 */
const CONVERT = `python -c "import json; d = json.load(open('DATASET.json')); json.dump({str(im['cocoid'] if 'cocoid' in im else int(im['filename'].split('.')[0].split('_')[-1])): [s['raw'] for s in im['sentences']] for im in d['images'] if im['split'] == 'test'}, open('refs.json', 'w'))"`;

export function karpathyCaptionError(file: string, json: { dataset?: unknown }): MetricInputError {
  const name = typeof json.dataset === 'string' ? `dataset_${json.dataset}.json` : 'dataset_*.json';
  return new MetricInputError(
    file,
    '',
    `this is Karpathy's ${name} ({"images": [{"filename", "sentences", "split", ...}]}), which vlbench does not read as references: it holds every split, and which of its fields matches the results' image ids depends on the dataset`,
    'Convert one split to {"<image id>": ["reference", ...]} with sentences[].raw as the references and, as the id, the one LAVIS\'s results use: "cocoid" for COCO (391895 for COCO_val2014_000000391895.jpg), the number in "filename" for Flickr30k (1007129816 for 1007129816.jpg; "imgid" is only a position in this file). ' +
      `For the "test" split ("restval" is training data): ${CONVERT}`,
  );
}
