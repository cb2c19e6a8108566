export interface Codec {
  encodingName: string;
  decoder: () => void;
}
export function getCodec(name: string): Codec;
export function encodingExists(name: string): boolean;
export function decode(bytes: Uint8Array | string, name: string): string;
export function getDecoder(name: string): { write(chunk: Uint8Array): string; end(): string | undefined };
export function encode(text: string, name: string): Buffer;
export function convert(bytes: Uint8Array, options: { to: 'UNICODE'; from: string; type: 'string' }): string;
