/*
 * A ByteSource read from another thread: the thread that owns the source (a file handle, an
 * S3 client, bytes in memory) serves reads over a MessagePort, and PortByteSource asks for
 * ranges there. Inflating and everything after it happen in the reading thread; the owner
 * only copies the bytes it read into the message.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ByteSource } from './byte-source.js';

type Request = { id: number; offset: number; length: number };
type Reply = { id: number; bytes: Uint8Array } | { id: number; error: string };

/** Answers PortByteSource reads on `port` from `source` until the port closes. */
export function serveByteSource(source: ByteSource, port: MessagePort): void {
  port.on('message', ({ id, offset, length }: Request) => {
    source.read(offset, length).then(
      (read) => {
        // A copy of its own: the read may be a view into a larger buffer, which must not move.
        const bytes = new Uint8Array(read);
        port.postMessage({ id, bytes } satisfies Reply, [bytes.buffer]);
      },
      (error: Error) => port.postMessage({ id, error: error.message } satisfies Reply),
    );
  });
}

export class PortByteSource implements ByteSource {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(bytes: Buffer): void; reject(error: Error): void }>();

  constructor(
    readonly name: string,
    private readonly sourceSize: number,
    private readonly port: MessagePort,
  ) {
    port.on('message', (reply: Reply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
    });
  }

  async size(): Promise<number> {
    return this.sourceSize;
  }

  read(offset: number, length: number): Promise<Buffer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ id, offset, length } satisfies Request);
    });
  }

  async close(): Promise<void> {
    this.port.close();
  }
}
