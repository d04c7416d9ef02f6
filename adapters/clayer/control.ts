/**
 * Control messages of a C-ABI layer are bytes; the trace records them readably as
 * `{ hex: "68690a", text: "hi." }`: every byte in hex, and a preview where each byte outside
 * printable ASCII shows as '.'. The peer's layer gets the bytes back from `hex`.
 */

/** A control message of a C layer as the trace records it. */
export interface ControlBytes {
  hex: string;
  text: string;
}

/** Bytes as a control message (plain JSON data, as the LayerEnv contract requires). */
export function encodeControl(bytes: Uint8Array): ControlBytes {
  let text = '';
  for (const b of bytes) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return { hex: Buffer.from(bytes).toString('hex'), text };
}

/**
 * The bytes of a received control message: its `hex`, or (a message some other layer sent) its
 * JSON text.
 */
export function decodeControl(msg: unknown): Buffer {
  const hex = (msg as Partial<ControlBytes> | null)?.hex;
  if (typeof hex === 'string' && /^([0-9a-f]{2})*$/.test(hex)) return Buffer.from(hex, 'hex');
  return Buffer.from(JSON.stringify(msg ?? null), 'utf8');
}
