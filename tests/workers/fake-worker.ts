/**
 * A stand-in for a Web Worker in Node: the "worker side" is a comlink-exposed object on the other end
 * of a MessageChannel, and `crash()` fires `error` on the Worker as a real uncaught error would.
 */
import * as Comlink from 'comlink';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

export class FakeWorker extends EventTarget {
  private readonly port: MessagePort;
  private readonly inside: MessagePort;
  terminated = false;

  /** `makeApi` builds the worker-side API (it gets the worker, so a method can crash it); null: a module that never loaded. */
  constructor(makeApi: ((w: FakeWorker) => object) | null) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.inside = port2;
    port1.on('message', (data: unknown) => {
      if (!this.terminated) this.dispatchEvent(new MessageEvent('message', { data }));
    });
    if (makeApi) Comlink.expose(makeApi(this), port2 as unknown as Comlink.Endpoint);
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (this.terminated) return;
    this.port.postMessage(message, (transfer ?? []) as never);
  }

  start(): void {}

  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.inside.close();
  }

  /** An uncaught error inside the worker. */
  crash(message = 'boom'): void {
    if (this.terminated) return;
    const ev = new Event('error', { cancelable: true }) as Event & { message: string };
    ev.message = message;
    this.dispatchEvent(ev);
  }
}

/** A job that never answers: the worker dies while running it. */
export function dieWhileRunning(w: FakeWorker, message = 'boom'): Promise<never> {
  setTimeout(() => w.crash(message));
  return new Promise<never>(() => undefined);
}
