/*
 * Where archive bytes come from. The ZIP reader only ever asks for a size and for byte
 * ranges, so the same reader works on a local file today and on S3 range requests later
 * (one GET per range): entries a plan skips are never fetched, let alone inflated.
 */
export interface ByteSource {
  /** Shown in error messages: a path or a URL. */
  readonly name: string;
  size(): Promise<number>;
  /** Exactly `length` bytes from `offset`; rejects when the source is shorter. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}
