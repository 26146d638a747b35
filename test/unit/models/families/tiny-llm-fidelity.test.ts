/**
 * vlbench reproduces PyTorch on the tiny LLM-family models (BLIP-2 OPT/T5, InstructBLIP OPT/T5,
 * X-InstructBLIP): Q-Former retrieval features and scores within 1e-4, greedy and 3-beam
 * sequences identical, candidate log-likelihoods within 1e-4. Expectations come from the PyTorch
 * modules the ONNX graphs were exported from (test/golden/tiny/PROVENANCE.md).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerationConfig } from '../../../../models/generation/config.js';
import type { LoadedModel } from '../../../../models/load.js';
import { closeTo, config, ctx, fixture, load, prepare, sameSequence, tensorSha, type Sequence } from './tiny-fidelity-helpers.js';

interface Blip2Sample {
  image: string;
  pixelsSha256: string;
  text: string;
  imageFeatRows: Record<'0' | '31', number[]>;
  textFeat: number[];
  itcMaxSim: number;
  itmScore: number;
  caption: { greedy: Sequence; beam: Sequence };
  vqa: { image: string; prompt: string; greedy: Sequence; beam: Sequence };
}

function lengths(settings: Record<string, any>, task: Record<string, number>, t5: boolean): Partial<GenerationConfig> {
  const max = task['maxLength']!;
  return {
    maxLength: max,
    maxNewTokens: t5 ? max : undefined,
    minLength: task['minLength']!,
    lengthPenalty: task['lengthPenalty']!,
    repetitionPenalty: task['repetitionPenalty'] ?? 1,
  };
}

for (const kind of ['opt', 't5'] as const) {
  const name = `tiny-blip2-${kind}`;
  const test = suite(name);
  let model: LoadedModel;
  const { settings, samples } = fixture<Blip2Sample>(name);
  test.before(async () => {
    model = await load(name);
  });
  test.after(async () => model.adapter.dispose());

  test('Q-Former retrieval: query features, text feature, max-over-queries ITC and ITM score', async () => {
    const retrieval = model.adapter.retrieval!;
    for (const s of samples.slice(0, 8)) {
      const image = await prepare(model, 'image', s.image);
      assert.is(tensorSha(image.data), s.pixelsSha256, `${s.image}: preprocessing`);
      const [embedding] = await retrieval.embedImages([image], ctx);
      closeTo(embedding!.data.subarray(0, embedding!.dim), s.imageFeatRows['0'], `${s.image} query 0`);
      closeTo(embedding!.data.subarray(31 * embedding!.dim, 32 * embedding!.dim), s.imageFeatRows['31'], `${s.image} query 31`);
      const [text] = await retrieval.embedTexts([s.text], ctx);
      closeTo(text!, s.textFeat, `${s.text}: text feature`);
      closeTo(await retrieval.similarities([embedding!], [text!]), [s.itcMaxSim], 'ITC max-sim');
      closeTo(await retrieval.matchScores([{ image, text: s.text }], ctx), [s.itmScore], 'ITM score');
    }
  });

  test('captioning and zero-shot VQA: greedy and 3-beam sequences identical', async () => {
    const t5 = kind === 't5';
    for (const s of samples) {
      const image = await prepare(model, 'image', s.image);
      const caption = lengths(settings, settings['caption'], t5);
      const [greedy] = await model.adapter.captioning!.caption([{ image, prompt: settings['caption'].prompt }], config({ ...caption, numBeams: 1 }), ctx);
      sameSequence(greedy!, s.caption.greedy, `${s.image} caption greedy`);
      const [beam] = await model.adapter.captioning!.caption([{ image, prompt: settings['caption'].prompt }], config({ ...caption, numBeams: 3 }), ctx);
      sameSequence(beam!, s.caption.beam, `${s.image} caption beam`);
      const question = /^Question: (.*) Short answer:$/.exec(s.vqa.prompt)?.[1];
      assert.ok(question, `unexpected VQA prompt ${s.vqa.prompt}`);
      const vqaImage = await prepare(model, 'image', s.vqa.image);
      const vqa = lengths(settings, settings['vqa'], t5);
      const request = { image: vqaImage, question: question!, template: 'Question: {question} Short answer:' };
      const [g] = await model.adapter.answerGeneration!.answer([request], config({ ...vqa, numBeams: 1 }), ctx);
      sameSequence(g!, s.vqa.greedy, `${s.vqa.prompt} greedy`);
      const [b] = await model.adapter.answerGeneration!.answer([request], config({ ...vqa, numBeams: 3 }), ctx);
      sameSequence(b!, s.vqa.beam, `${s.vqa.prompt} beam`);
    }
  });

  test('a batch of 8 gives the sequences of 8 single calls', async () => {
    const images = await Promise.all(samples.slice(0, 8).map((s) => prepare(model, 'image', s.image)));
    const beam = config({ ...lengths(settings, settings['caption'], kind === 't5'), numBeams: 3 });
    const batched = await model.adapter.captioning!.caption(images.map((image) => ({ image, prompt: settings['caption'].prompt })), beam, ctx);
    batched.forEach((generation, i) => sameSequence(generation, samples[i]!.caption.beam, `batched caption ${i}`));
  });

  test.run();
}

interface InstructSample {
  id: string;
  image: string;
  pixelsSha256: string;
  prompt: string;
  qformerText: string;
  greedy?: Sequence;
  beam?: Sequence;
  choices?: string[];
  candidateScores?: number[];
}

for (const kind of ['opt', 't5'] as const) {
  const name = `tiny-instructblip-${kind}`;
  const test = suite(name);
  let model: LoadedModel;
  const { settings, samples } = fixture<InstructSample>(name);
  test.before(async () => {
    model = await load(name);
  });
  test.after(async () => model.adapter.dispose());

  test('instruction-aware Q-Former + LLM: open answers identical, candidate scores within 1e-4', async () => {
    const generation = lengths(settings, settings['instruction'], kind === 't5');
    let open = 0;
    let ranked = 0;
    for (const s of samples) {
      const image = await prepare(model, 'image', s.image);
      assert.is(tensorSha(image.data), s.pixelsSha256, `${s.image}: preprocessing`);
      const request = { media: [image], prompt: s.prompt, qformerText: s.qformerText };
      if (s.choices) {
        const [scores] = await model.adapter.instruction!.scoreCandidates([request], [s.choices], ctx);
        closeTo(scores!, s.candidateScores!, `${s.id} candidate scores`);
        ranked++;
        continue;
      }
      const [g] = await model.adapter.instruction!.generate([request], config({ ...generation, numBeams: 1 }), ctx);
      sameSequence(g!, s.greedy!, `${s.id} greedy`);
      const [b] = await model.adapter.instruction!.generate([request], config({ ...generation, numBeams: 3 }), ctx);
      sameSequence(b!, s.beam!, `${s.id} beam`);
      open++;
    }
    assert.ok(open > 0 && ranked > 0, 'the fixture covers open answers and candidate ranking');
  });

  test.run();
}

interface XSample {
  modality: 'image' | 'audio' | 'video' | 'pointcloud';
  image?: string;
  audio?: string;
  video?: string;
  points?: string;
  pixelsSha256?: string;
  framesSha256?: string;
  prompt: string;
  greedy?: Sequence;
  beam?: Sequence;
  candidates?: string[];
  candidateScores?: number[];
}

const x = suite('tiny-xinstructblip');
let xModel: LoadedModel;
const xFixture = fixture<XSample>('tiny-xinstructblip');
x.before(async () => {
  xModel = await load('tiny-xinstructblip');
});
x.after(async () => xModel.adapter.dispose());

x('every modality: cue + soft tokens + space + prompt reproduce PyTorch', async () => {
  const generation = lengths(xFixture.settings, xFixture.settings['generate'], false);
  const seen = new Set<string>();
  for (const s of xFixture.samples) {
    const path = s.image ?? s.audio ?? s.video ?? s.points!;
    const media = await prepare(xModel, s.modality, path);
    if (s.pixelsSha256) assert.is(tensorSha(media.data), s.pixelsSha256, `${path}: preprocessing`);
    if (s.framesSha256) assert.is(tensorSha(media.data), s.framesSha256, `${path}: frames`);
    const request = { media: [media], prompt: s.prompt };
    if (s.candidates) {
      const [scores] = await xModel.adapter.instruction!.scoreCandidates([request], [s.candidates], ctx);
      closeTo(scores!, s.candidateScores!, `${path} candidate scores`, 1e-3);
    } else {
      const [g] = await xModel.adapter.instruction!.generate([request], config({ ...generation, numBeams: 1 }), ctx);
      sameSequence(g!, s.greedy!, `${path} greedy`);
      const [b] = await xModel.adapter.instruction!.generate([request], config({ ...generation, numBeams: 3 }), ctx);
      sameSequence(b!, s.beam!, `${path} beam`);
    }
    seen.add(s.modality);
  }
  assert.equal([...seen].sort(), ['audio', 'image', 'pointcloud', 'video']);
});

x.run();
