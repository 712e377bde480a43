// An image host on 127.0.0.1 for the images job: real images by path, plus every way a supplier's image link goes
// wrong (404, 500, an HTML page labelled as a JPEG, a web page, a 50 MB file, a server that dribbles, redirect chains).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImageServer {
  url(path: string): string;
  port: number;
  /** Requests per path (redirect hops count on their own path). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

const HTML = Buffer.from(
  '<!doctype html><html><head><title>404 Not Found</title></head><body>Sorry, this product image has moved.</body></html>',
);

/** Serves `images` (path → bytes and type) and the failure paths under /fail/…; listens on `port` when given. */
export async function startImageServer(
  images: Record<string, { bytes: Buffer; type: string }>,
  port = 0,
): Promise<ImageServer> {
  const hits = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const image = images[path];
    if (image) {
      res.writeHead(200, { 'content-type': image.type, 'content-length': image.bytes.length });
      res.end(req.method === 'HEAD' ? undefined : image.bytes);
      return;
    }
    const redirect = /^\/redirect\/(\d+)\/(.+)$/.exec(path);
    if (redirect) {
      const n = Number(redirect[1]);
      res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}/${redirect[2]}` : `/${redirect[2]}` });
      res.end();
      return;
    }
    switch (path) {
      case '/':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('image host');
        return;
      case '/fail/500':
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal error');
        return;
      case '/fail/html-as-jpeg.jpg':
        // Some hosts send their error page with the type the URL suggests: only the bytes tell.
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': HTML.length });
        res.end(HTML);
        return;
      case '/fail/page.jpg':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(HTML);
        return;
      case '/fail/huge.jpg':
      case '/fail/huge-declared.jpg': {
        // 50 MB that starts like a JPEG; one stream declares its length, the other does not.
        const size = 50 * 1024 * 1024;
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          ...(path.endsWith('declared.jpg') ? { 'content-length': size } : {}),
        });
        const block = Buffer.alloc(1024 * 1024, 0x55);
        block[0] = 0xff;
        block[1] = 0xd8;
        block[2] = 0xff;
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += block.length;
            if (!res.write(block)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        pump();
        return;
      }
      case '/fail/slow.jpg': {
        // Headers at once, then a byte a second: only the whole-request timeout ends it.
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        const t = setInterval(() => res.write(Buffer.from([0xff])), 1000);
        timers.add(t);
        res.on('close', () => clearInterval(t));
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: (path) => `http://127.0.0.1:${actual}${path.startsWith('/') ? path : `/${path}`}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearInterval);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it refuses connections, like a host that is down). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
