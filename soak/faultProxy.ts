import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to traffic:
 * - `pass`: forwards everything;
 * - `blackhole`: keeps every connection open and accepts new ones, but
 *   forwards nothing in either direction (a dead Wi-Fi, a NAT that forgot us);
 * - `refuse`: closes every connection and every new one at once.
 */
export type ProxyMode = 'pass' | 'blackhole' | 'refuse';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP proxy on 127.0.0.1 that injects network faults between clients and
 * the reference server: cut connections, black holes, refusals. HTTP and
 * WebSocket traffic alike go through it; it understands neither.
 */
export class FaultProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<Pair>();
  private mode: ProxyMode = 'pass';
  /** Connections accepted so far (a measure of reconnect traffic). */
  accepted = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode === 'refuse') this.cut();
  }

  getMode(): ProxyMode {
    return this.mode;
  }

  /** Breaks every open connection, as a network fault does (both ends see a reset). */
  cut(): void {
    for (const pair of [...this.pairs]) this.drop(pair);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    this.accepted += 1;
    const upstream = net.connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    const forward = (to: net.Socket) => (data: Buffer) => {
      // A black hole swallows the bytes; the stream is broken from then on, as after a real one.
      if (this.mode === 'pass' && !to.destroyed) to.write(data);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const end = () => this.drop(pair);
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
