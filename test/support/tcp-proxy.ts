// A TCP proxy on 127.0.0.1 in front of a server, that a test can cut: drop() closes its port
// and every connection through it (requests in flight fail, new ones are refused, as when the
// server goes away), and restart() opens the same port again. dropOn() cuts it when the
// client has sent a marker (a request header, say) so many times: the request carrying the
// last one never reaches the server.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly endpoint: string;
  /** Cuts the proxy once `marker` has been sent `times` times (counted from now); resolves when it is cut. */
  dropOn(marker: string, times: number): Promise<void>;
  drop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let trigger: { marker: string; left: number; cut: () => void } | null = null;
  let server: Server;
  let port = 0;

  const onConnection = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      if (trigger !== null) {
        // latin1: one character per byte, so a marker split across chunks is found in tail + chunk.
        const text = tail + chunk.toString('latin1');
        tail = text.slice(-(trigger.marker.length - 1));
        for (let at = text.indexOf(trigger.marker); at >= 0; at = text.indexOf(trigger.marker, at + 1)) {
          if (--trigger.left === 0) {
            trigger.cut();
            return;
          }
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });

  const drop = () =>
    new Promise<void>((resolve) => {
      trigger = null;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server.listening) resolve();
      else server.close(() => resolve());
    });

  await listen();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    dropOn: (marker, times) =>
      new Promise((resolve) => {
        trigger = { marker, left: times, cut: () => void drop().then(resolve) };
      }),
    drop,
    restart: listen,
    close: drop,
  };
}
