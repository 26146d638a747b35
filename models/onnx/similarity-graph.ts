/**
 * The contrastive similarity of retrieval as an ONNX graph, built in memory: a block of image
 * embeddings [images, queries, dim] times the transposed text embeddings [dim, texts], then the
 * max over the query axis, giving [images, texts] (one query: the cosine of ALBEF and BLIP;
 * 32 queries: BLIP-2's max over its query vectors). ONNX Runtime's GEMM does in seconds what a
 * JavaScript loop does in half an hour on a COCO 5k gallery with 32 query vectors.
 *
 * The ONNX file format is protobuf; the few messages this one graph needs are written here by
 * field number (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto,
 * TypeProto, TensorShapeProto), so no protobuf library or committed binary is needed.
 */
import { WIRE } from './protobuf-wire.js';

const ELEM_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
/** IR version 7 goes with opset 13, whose ReduceMax takes its axes as an attribute. */
const IR_VERSION = 7;
const OPSET = 13;

export const SIMILARITY_INPUTS = { images: 'image_feats', textsT: 'text_feats_t' } as const;
export const SIMILARITY_OUTPUT = 'sim';

function varint(value: number): number[] {
  const out: number[] = [];
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // two's complement, as protobuf writes negative int64
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function tag(field: number, wire: number): number[] {
  return varint((field << 3) | wire);
}

function intField(field: number, value: number): number[] {
  return [...tag(field, WIRE.varint), ...varint(value)];
}

function bytesField(field: number, bytes: readonly number[]): number[] {
  return [...tag(field, WIRE.length), ...varint(bytes.length), ...bytes];
}

function stringField(field: number, text: string): number[] {
  return bytesField(field, [...new TextEncoder().encode(text)]);
}

/** TensorShapeProto.Dimension: a named (symbolic) dimension. */
function dimension(name: string): number[] {
  return bytesField(1, stringField(2, name));
}

/** ValueInfoProto of a float tensor with symbolic dimensions. */
function floatTensorInfo(name: string, dims: readonly string[]): number[] {
  const shape = dims.flatMap(dimension);
  const tensorType = [...intField(1, ELEM_FLOAT), ...bytesField(2, shape)];
  const type = bytesField(1, tensorType);
  return [...stringField(1, name), ...bytesField(2, type)];
}

function node(op: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly number[][] = []): number[] {
  return [
    ...inputs.flatMap((name) => stringField(1, name)),
    ...outputs.flatMap((name) => stringField(2, name)),
    ...stringField(3, `${op.toLowerCase()}_0`),
    ...stringField(4, op),
    ...attributes.flatMap((attribute) => bytesField(5, attribute)),
  ];
}

function intAttribute(name: string, value: number): number[] {
  return [...stringField(1, name), ...intField(3, value), ...intField(20, ATTR_INT)];
}

function intsAttribute(name: string, values: readonly number[]): number[] {
  return [...stringField(1, name), ...values.flatMap((v) => intField(8, v)), ...intField(20, ATTR_INTS)];
}

/** The serialised ModelProto of image_feats [n, q, d] x text_feats_t [d, m] -> max over q -> sim [n, m]. */
export function similarityGraphBytes(): Uint8Array {
  const graph = [
    ...bytesField(1, node('MatMul', [SIMILARITY_INPUTS.images, SIMILARITY_INPUTS.textsT], ['per_query'])),
    ...bytesField(1, node('ReduceMax', ['per_query'], [SIMILARITY_OUTPUT], [intsAttribute('axes', [1]), intAttribute('keepdims', 0)])),
    ...stringField(2, 'vlbench_similarity'),
    ...bytesField(11, floatTensorInfo(SIMILARITY_INPUTS.images, ['images', 'queries', 'dim'])),
    ...bytesField(11, floatTensorInfo(SIMILARITY_INPUTS.textsT, ['dim', 'texts'])),
    ...bytesField(12, floatTensorInfo(SIMILARITY_OUTPUT, ['images', 'texts'])),
  ];
  const opset = [...stringField(1, ''), ...intField(2, OPSET)];
  const model = [...intField(1, IR_VERSION), ...stringField(2, 'vlbench'), ...bytesField(7, graph), ...bytesField(8, opset)];
  return Uint8Array.from(model);
}
