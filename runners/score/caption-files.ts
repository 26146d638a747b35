/**
 * Reads the caption inputs of `vlbench score caption`:
 * - references: `{"<image id>": ["ref", ...]}` or a COCO captions annotation file
 *   `{"images": [...], "annotations": [{"image_id", "caption"}]}`;
 * - predictions: `{"<image id>": "caption"}` or a COCO results list `[{"image_id", "caption"}]`.
 * Ids are compared as strings where a map is involved (its keys can only be strings), so COCO's
 * numeric 391895 and the key "391895" are the same image. Between a COCO annotation file and a
 * COCO results list, where both ids carry a JSON type, 1 and "1" differ, as in pycocotools'
 * loadRes and `score vqa`. Every prediction must belong to a referenced image and every
 * referenced image needs exactly one prediction (pycocoevalcap would crash on a second caption,
 * and a missing one silently shrinks the corpus that CIDEr-D's document frequencies come from).
 */
import { MetricInputError, describeJsonValue, isPlainObject, jsonPointer } from '../../reports/metrics/input-error.js';
import { isKarpathyDataset, karpathyCaptionError } from './karpathy-dataset.js';
import { firstFew } from './subcommand.js';

export interface CaptionInputs {
  readonly references: Map<string, string[]>;
  readonly predictions: Map<string, string>;
  /** For stderr: inputs that were accepted but not scored. */
  readonly notes: readonly string[];
}

interface References {
  readonly captions: Map<string, string[]>;
  /** A COCO annotation file's id types ("number" or "string"); undefined for an id map. */
  readonly idTypes?: ReadonlyMap<string, string>;
  /** Ids listed in a COCO file's /images without any annotation (pycocoevalcap skips them). */
  readonly unannotated: readonly string[];
}

/** A parsed JSON file, its name for messages, and its top-level keys in file order (when an object). */
export interface CaptionJsonFile {
  readonly file: string;
  readonly json: unknown;
  readonly keyOrder: readonly string[] | undefined;
}

export function readCaptionInputs(refs: CaptionJsonFile, preds: CaptionJsonFile): CaptionInputs {
  const refsFile = refs.file;
  const predsFile = preds.file;
  const { captions: references, idTypes, unannotated } = readReferences(refs);
  const predictions = readPredictions(preds, { references, idTypes, file: refsFile });
  const missing = [...references.keys()].filter((id) => !predictions.has(id));
  if (missing.length > 0) {
    const shown = firstFew(missing.map((id) => JSON.stringify(id)));
    throw new MetricInputError(predsFile, '', `no prediction for referenced image ${shown}`, `Every image in ${refsFile} needs one caption; to score a subset, pass references for that subset only`);
  }
  const notes: string[] = [];
  if (unannotated.length > 0) {
    const which = firstFew(unannotated.map((id) => JSON.stringify(id)));
    notes.push(`${refsFile} lists ${unannotated.length === 1 ? 'image' : 'images'} ${which} in /images with no annotation and no prediction: not scored (pycocoevalcap skips ${unannotated.length === 1 ? 'it' : 'them'} too); ${references.size} images were scored`);
  }
  // Score in the order of the references file.
  return { references, predictions: new Map([...references.keys()].map((id) => [id, predictions.get(id)!])), notes };
}

function readReferences({ file, json, keyOrder }: CaptionJsonFile): References {
  if (isCocoAnnotationFile(json)) return readCocoReferences(file, json);
  if (isKarpathyDataset(json)) throw karpathyCaptionError(file, json);
  if (isLavisAnnotationList(json)) {
    throw new MetricInputError(
      file,
      '',
      'this is a LAVIS/Karpathy annotation list [{"image", "caption": [...]}], which has no image ids to match the results\' "image_id" against',
      'Pass the COCO-format ground truth LAVIS scores against (coco_karpathy_test_gt.json / coco_karpathy_val_gt.json, {"images", "annotations"}), or convert this list to {"<image id>": ["reference", ...]}',
    );
  }
  if (!isPlainObject(json)) {
    throw new MetricInputError(file, '', `expected {"<image id>": ["reference", ...]} or a COCO captions file {"annotations": [{"image_id", "caption"}]}, found ${describeJsonValue(json)}`);
  }
  const out = new Map<string, string[]>();
  for (const [id, refs] of entriesInFileOrder(file, json, keyOrder)) {
    const at = jsonPointer(id);
    if (!Array.isArray(refs) || refs.length === 0) throw new MetricInputError(file, at, `image ${JSON.stringify(id)} needs a non-empty array of reference captions, found ${describeJsonValue(refs)}`);
    out.set(id, refs.map((ref: unknown, j) => readCaption(file, jsonPointer(id, j), ref)));
  }
  if (out.size === 0) throw new MetricInputError(file, '', 'no images with references');
  return { captions: out, unannotated: [] };
}

/** LAVIS's caption/retrieval annotation files (coco_karpathy_test.json): [{"image": path, "caption": [refs]}]. */
function isLavisAnnotationList(json: unknown): boolean {
  return Array.isArray(json) && json.length > 0 && isPlainObject(json[0]) && typeof json[0].image === 'string' && Array.isArray(json[0].caption);
}

function isCocoAnnotationFile(json: unknown): json is { annotations: unknown[]; images?: unknown } {
  return isPlainObject(json) && Array.isArray(json.annotations) && json.annotations.every((a) => isPlainObject(a));
}

function readCocoReferences(file: string, json: { annotations: unknown[]; images?: unknown }): References {
  const idTypes = new Map<string, string>();
  const listed = readCocoImages(file, json.images, idTypes);
  const out = new Map<string, string[]>();
  json.annotations.forEach((ann, i) => {
    const at = jsonPointer('annotations', i);
    const record = ann as Record<string, unknown>;
    const id = readImageId(file, `${at}/image_id`, record.image_id, idTypes);
    if (listed !== undefined && !listed.includes(id)) {
      throw new MetricInputError(file, `${at}/image_id`, `image_id ${JSON.stringify(record.image_id)} is not in /images`, 'Add the image to "images" or drop the annotation');
    }
    const caption = readCaption(file, `${at}/caption`, record.caption);
    const list = out.get(id);
    if (list) list.push(caption);
    else out.set(id, [caption]);
  });
  if (out.size === 0) throw new MetricInputError(file, '/annotations', 'the COCO annotations list is empty');
  if (listed === undefined) return { captions: out, idTypes, unannotated: [] };
  // pycocoevalcap evaluates images in the order of the "images" list.
  return { captions: new Map(listed.filter((id) => out.has(id)).map((id) => [id, out.get(id)!])), idTypes, unannotated: listed.filter((id) => !out.has(id)) };
}

/** The ids of a COCO "images" list, in order; undefined when the file has none. */
function readCocoImages(file: string, images: unknown, idTypes: Map<string, string>): string[] | undefined {
  if (images === undefined) return undefined;
  if (!Array.isArray(images)) throw new MetricInputError(file, '/images', `expected an array of {"id"}, found ${describeJsonValue(images)}`);
  return images.map((image: unknown, i) => {
    const at = jsonPointer('images', i);
    if (!isPlainObject(image)) throw new MetricInputError(file, at, `expected an image object {"id"}, found ${describeJsonValue(image)}`);
    return readImageId(file, `${at}/id`, image.id, idTypes);
  });
}

interface ReferenceIds {
  readonly references: ReadonlyMap<string, unknown>;
  readonly idTypes: ReadonlyMap<string, string> | undefined;
  readonly file: string;
}

function readPredictions({ file, json, keyOrder }: CaptionJsonFile, refs: ReferenceIds): Map<string, string> {
  const out = new Map<string, string>();
  const add = (id: string, at: string, caption: unknown): void => {
    if (!refs.references.has(id)) throw new MetricInputError(file, at, `prediction for image ${JSON.stringify(id)}, which has no references in ${refs.file}`, 'Remove it or add its references');
    if (out.has(id)) throw new MetricInputError(file, at, `second prediction for image ${JSON.stringify(id)}`, 'Keep exactly one caption per image');
    out.set(id, readCaption(file, at, caption));
  };
  if (Array.isArray(json)) {
    if (json.length === 0) throw new MetricInputError(file, '', 'the results list is empty');
    const idTypes = new Map<string, string>();
    json.forEach((entry: unknown, i) => {
      const at = jsonPointer(i);
      if (!isPlainObject(entry)) throw new MetricInputError(file, at, `expected {"image_id", "caption"}, found ${describeJsonValue(entry)}`);
      const id = readImageId(file, `${at}/image_id`, entry.image_id, idTypes);
      requireSameIdType(file, `${at}/image_id`, entry.image_id, refs);
      add(id, `${at}/caption`, entry.caption);
    });
  } else if (isPlainObject(json)) {
    if (Object.keys(json).length === 0) throw new MetricInputError(file, '', 'no predictions');
    for (const [id, caption] of entriesInFileOrder(file, json, keyOrder)) add(id, jsonPointer(id), caption);
  } else {
    throw new MetricInputError(file, '', `expected {"<image id>": "caption"} or a COCO results list [{"image_id", "caption"}], found ${describeJsonValue(json)}`);
  }
  return out;
}

/**
 * Object entries in the order the file lists them (JSON.parse puts integer-like keys first, in
 * ascending order), refusing duplicate keys, which JSON.parse would silently collapse.
 */
function entriesInFileOrder(file: string, json: Record<string, unknown>, keyOrder: readonly string[] | undefined): [string, unknown][] {
  const keys = keyOrder ?? Object.keys(json);
  const seen = new Set<string>();
  return keys.map((key) => {
    if (seen.has(key)) throw new MetricInputError(file, jsonPointer(key), `key ${JSON.stringify(key)} appears twice`, 'Each image id may appear once');
    seen.add(key);
    return [key, json[key]];
  });
}

/** A COCO image id as its string key; 1 and "1" in the same file would silently merge, so they are refused. */
function readImageId(file: string, at: string, id: unknown, idTypes: Map<string, string>): string {
  if (typeof id !== 'number' && typeof id !== 'string') throw new MetricInputError(file, at, `image_id must be a number or a string, found ${describeJsonValue(id)}`);
  const key = String(id);
  const seen = idTypes.get(key);
  if (seen !== undefined && seen !== typeof id) throw new MetricInputError(file, at, `image_id ${JSON.stringify(id)} also appears as a ${seen}; use one type for ids`);
  idTypes.set(key, typeof id);
  return key;
}

/**
 * Both files are COCO lists, so both ids carry a JSON type: pycocotools' loadRes asserts on a
 * result whose image_id is not a GT id of the same type, and `score vqa` refuses the same.
 */
function requireSameIdType(file: string, at: string, id: unknown, refs: ReferenceIds): void {
  const refType = refs.idTypes?.get(String(id));
  if (refType === undefined || refType === typeof id) return;
  throw new MetricInputError(
    file,
    at,
    `image_id ${JSON.stringify(id)} is a ${typeof id}, but ${refs.file} has this image id as a ${refType}`,
    'Write the ids with the same JSON type in both COCO files (1 and "1" differ, as in pycocotools\' loadRes and score vqa), or give the predictions as {"<image id>": "caption"}, whose keys match either type',
  );
}

function readCaption(file: string, at: string, caption: unknown): string {
  if (typeof caption !== 'string') throw new MetricInputError(file, at, `expected a caption string, found ${describeJsonValue(caption)}`);
  return caption;
}
