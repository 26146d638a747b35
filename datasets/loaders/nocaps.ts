/**
 * NoCaps val/test in its official COCO-style file (nocaps_val_4500_captions.json):
 * `images: [{id, file_name, domain}]`, `annotations: [{image_id, caption}]` (10 per image; none
 * for test). The walk is COCO captions' (coco-captions.ts); the domain (in-domain, near-domain,
 * out-domain) becomes the sample's category, and the `domain` option keeps one of them.
 */
import { optionString, requiredFile, type DatasetLoader } from '../loader.js';
import { loadCocoStyleCaptions } from './coco-captions.js';

export const nocaps: DatasetLoader = {
  name: 'nocaps',
  description: 'NoCaps official captions JSON (images with domain + annotations), e.g. nocaps_val_4500_captions.json',
  produces: ['caption'],
  modality: 'image',
  files: { annotations: { required: true, description: 'nocaps_{val,test}_*.json with "images" and "annotations"' } },
  options: { domain: { type: 'string', description: 'evaluate one domain only', values: ['all', 'in-domain', 'near-domain', 'out-domain'], default: 'all' } },
  mediaRoot: 'required',
  load(input) {
    const domain = optionString(input, nocaps, 'domain');
    return loadCocoStyleCaptions(input, requiredFile(input, nocaps, 'annotations'), {
      format: 'NoCaps',
      category: (image) => {
        const category = typeof image.domain === 'string' ? image.domain : '';
        return domain === 'all' || category === domain ? category : null;
      },
    });
  },
};
