/**
 * vlbench reproduces PyTorch on the tiny ALBEF and BLIP models: contrastive features and ITM
 * logits within 1e-4, the two-stage answer ranking's candidate scores within 1e-4 and its answer,
 * and (BLIP) greedy / 3-beam captions and generated answers identical
 * (test/golden/tiny/PROVENANCE.md).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedModel } from '../../../../models/load.js';
import { BUNDLED, closeTo, config, ctx, fixture, load, prepare, tensorSha, type Sequence } from './tiny-fidelity-helpers.js';

interface BlipSample {
  image: string;
  pixelsSha256: string;
  text: string;
  imageFeat: number[];
  textFeat: number[];
  itmLogits: number[];
  vqa: { image: string; question: string; answer: string; candidates: [string, number][]; generate?: Sequence };
  caption?: { greedy: Sequence; beam: Sequence };
}

const answerList = JSON.parse(readFileSync(join(BUNDLED, 'vqa/answer_list.json'), 'utf8')) as string[];

for (const name of ['tiny-albef', 'tiny-blip']) {
  const test = suite(name);
  let model: LoadedModel;
  const { samples } = fixture<BlipSample>(name);
  test.before(async () => {
    model = await load(name);
  });
  test.after(async () => model.adapter.dispose());

  test('contrastive features and the ITM logit of each image and its caption', async () => {
    const retrieval = model.adapter.retrieval!;
    for (const s of samples) {
      const image = await prepare(model, 'image', s.image);
      assert.is(tensorSha(image.data), s.pixelsSha256, `${s.image}: preprocessing`);
      const [embedding] = await retrieval.embedImages([image], ctx);
      closeTo(embedding!.data, s.imageFeat, `${s.image}: image feature`);
      const [text] = await retrieval.embedTexts([s.text], ctx);
      closeTo(text!, s.textFeat, `${s.text}: text feature`);
      closeTo(await retrieval.matchScores([{ image, text: s.text }], ctx), [s.itmLogits[1]!], `${s.image}: ITM class-1 logit`);
    }
  });

  test('two-stage answer ranking: the candidates reaching stage 2, their scores and the answer', async () => {
    for (const s of samples) {
      const image = await prepare(model, 'image', s.vqa.image);
      const [ranked] = await model.adapter.answerRanking!.rankAnswers([{ image, question: s.vqa.question, template: '{question}' }], answerList, 128, ctx);
      assert.is(ranked!.answer, s.vqa.answer, `${s.vqa.question}: answer`);
      const actual = new Map(ranked!.candidates.map((c) => [c.answer, c.score]));
      assert.equal([...actual.keys()].sort(), s.vqa.candidates.map(([a]) => a).sort(), `${s.vqa.question}: stage-2 candidates`);
      closeTo(s.vqa.candidates.map(([a]) => actual.get(a)!), s.vqa.candidates.map(([, score]) => score), `${s.vqa.question}: scores`);
    }
  });

  if (name === 'tiny-blip') {
    test('captions (prompt "a picture of ", lengths count the prompt) and generated answers', async () => {
      for (const s of samples) {
        const image = await prepare(model, 'image', s.image);
        const [greedy] = await model.adapter.captioning!.caption([{ image }], config({ numBeams: 1, maxLength: 20, minLength: 5 }), ctx);
        assert.is(greedy!.text, s.caption!.greedy.text, `${s.image}: greedy caption`);
        const [beam] = await model.adapter.captioning!.caption([{ image }], config({ numBeams: 3, maxLength: 20, minLength: 5 }), ctx);
        assert.is(beam!.text, s.caption!.beam.text, `${s.image}: beam caption`);
        const vqaImage = await prepare(model, 'image', s.vqa.image);
        const [answer] = await model.adapter.answerGeneration!.answer([{ image: vqaImage, question: s.vqa.question, template: '{question}' }], config({ numBeams: 3, maxLength: 10, minLength: 1 }), ctx);
        assert.is(answer!.text, s.vqa.generate!.text, `${s.vqa.question}: generated answer`);
      }
    });

    test('a batch of 8 captions equals 8 single calls', async () => {
      const images = await Promise.all(samples.slice(0, 8).map((s) => prepare(model, 'image', s.image)));
      const batched = await model.adapter.captioning!.caption(images.map((image) => ({ image })), config({ numBeams: 3, maxLength: 20, minLength: 5 }), ctx);
      batched.forEach((g, i) => assert.is(g.text, samples[i]!.caption!.beam.text, `caption ${i}`));
    });
  }

  test.run();
}

