// A port on 127.0.0.1 where nothing listens: one the system just handed out, closed again, so
// a connection to it is refused (ECONNREFUSED) at once.
import { createServer } from 'node:net';

export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
