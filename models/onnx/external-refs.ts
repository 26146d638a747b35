/**
 * The external-data files an ONNX graph itself references: the `location` entry of each
 * initializer whose weights live outside the .onnx file (ModelProto.graph.initializer[i]
 * .external_data). The manifest must declare each one, or its digest is never checked.
 *
 * A small protobuf walk with positioned reads: graphs with their weights inside run to 2 GB, and
 * only the few bytes of each initializer's header are needed, so the weights are skipped unread.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { WIRE } from './protobuf-wire.js';

// Field numbers from onnx.proto (stable since ONNX 1.0).
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_EXTERNAL_DATA = 13;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

interface Field {
  readonly number: number;
  readonly wire: number;
  /** Payload start (length-delimited: after the length) and end, as file offsets. */
  readonly start: number;
  readonly end: number;
}

/** Reads a file through a small window, so skipping a field costs nothing. */
class FileCursor {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(private readonly fd: number, readonly size: number) {}

  bytes(start: number, end: number): Buffer {
    if (start < this.windowStart || end > this.windowStart + this.window.length) {
      const length = Math.min(Math.max(end - start, 1 << 16), this.size - start);
      this.window = Buffer.alloc(length);
      readSync(this.fd, this.window, 0, length, start);
      this.windowStart = start;
    }
    return this.window.subarray(start - this.windowStart, end - this.windowStart);
  }

  /** A varint at `at`: its value (exact up to 2^53, enough for any length or tag) and where it ends. */
  varint(at: number, limit: number): { value: number; next: number } {
    let value = 0;
    for (let i = 0, scale = 1; i < 10 && at + i < limit; i++, scale *= 128) {
      const byte = this.bytes(at + i, at + i + 1)[0]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return { value, next: at + i + 1 };
    }
    throw new Error(`malformed protobuf varint at byte ${at}`);
  }
}

/** The fields of the message spanning [start, end). */
function* fields(cursor: FileCursor, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const tag = cursor.varint(at, end);
    const wire = tag.value % 8;
    const number = Math.floor(tag.value / 8);
    let payload = tag.next;
    let length: number;
    if (wire === WIRE.varint) length = cursor.varint(payload, end).next - payload;
    else if (wire === WIRE.fixed64) length = 8;
    else if (wire === WIRE.fixed32) length = 4;
    else if (wire === WIRE.length) {
      const prefix = cursor.varint(payload, end);
      payload = prefix.next;
      length = prefix.value;
    } else throw new Error(`unsupported protobuf wire type ${wire} at byte ${at}`);
    if (payload + length > end) throw new Error(`protobuf field ${number} at byte ${at} runs past its message`);
    yield { number, wire, start: payload, end: payload + length };
    at = payload + length;
  }
}

function lengthDelimited(cursor: FileCursor, start: number, end: number, number: number): Field[] {
  return [...fields(cursor, start, end)].filter((f) => f.number === number && f.wire === WIRE.length);
}

/** `location` of one initializer's external_data entries, or null when its data is inline. */
function locationOf(cursor: FileCursor, tensor: Field): string | null {
  for (const entry of lengthDelimited(cursor, tensor.start, tensor.end, TENSOR_EXTERNAL_DATA)) {
    const parts = [...fields(cursor, entry.start, entry.end)].filter((f) => f.wire === WIRE.length);
    const text = (number: number) => {
      const f = parts.find((p) => p.number === number);
      return f ? cursor.bytes(f.start, f.end).toString('utf8') : '';
    };
    if (text(ENTRY_KEY) === 'location') return text(ENTRY_VALUE);
  }
  return null;
}

/** Distinct external-data locations the graph's initializers name, relative to the graph's folder, in file order. */
export function externalDataLocations(onnxFile: string): string[] {
  const fd = openSync(onnxFile, 'r');
  try {
    const cursor = new FileCursor(fd, fstatSync(fd).size);
    const found = new Set<string>();
    for (const graph of lengthDelimited(cursor, 0, cursor.size, MODEL_GRAPH)) {
      for (const tensor of lengthDelimited(cursor, graph.start, graph.end, GRAPH_INITIALIZER)) {
        const location = locationOf(cursor, tensor);
        if (location !== null) found.add(location);
      }
    }
    return [...found];
  } finally {
    closeSync(fd);
  }
}
