/** Protobuf wire types (the low three bits of a field's tag), for the ONNX files read and written here. */
export const WIRE = { varint: 0, fixed64: 1, length: 2, fixed32: 5 } as const;
