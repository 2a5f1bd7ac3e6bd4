/**
 * A raw `@grpc/grpc-js` client of the Pub/Sub proto for the tests (independent of the server's code and of OrgDesk's
 * client): unary calls as promises, bidi streams as a queue of responses plus the call's final error.
 */
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** A bidi stream under test. */
export type TestStream<Req, Res> = {
  send(request: Req): void;
  /** The next response (waits up to `ms`, default 5 s). */
  next(ms?: number): Promise<Res>;
  /** Responses received and not yet taken. */
  buffered(): Res[];
  /** The error that ended the call (waits up to `ms`, default 5 s). */
  error(ms?: number): Promise<ServiceError>;
  end(): void;
};

/** The client: metadata is sent on every call. */
export type PubSubTestClient = {
  unary<Res>(method: 'GetTopic' | 'GetSchema' | 'Publish', request: Record<string, unknown>): Promise<Res>;
  stream<Req, Res>(method: 'Subscribe' | 'ManagedSubscribe' | 'PublishStream'): TestStream<Req, Res>;
  close(): void;
};

const PROTO = fileURLToPath(new URL('../pubsub_api.proto', import.meta.url));

type Stub = Client & Record<string, (...args: unknown[]) => unknown>;

function waitFor<T>(ready: () => T | undefined, waiters: Set<() => void>, ms: number, what: string): Promise<T> {
  const now = ready();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const waiter = (): void => {
      const value = ready();
      if (value === undefined) return;
      clearTimeout(timer);
      waiters.delete(waiter);
      resolve(value);
    };
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      reject(new Error(`No ${what} within ${ms} ms`));
    }, ms);
    waiters.add(waiter);
  });
}

/** Opens a client on `address` with `accesstoken`, `instanceurl` and `tenantid` metadata. */
export function pubsubClient(address: string, auth: { accessToken: string; instanceUrl: string; tenantId: string }): PubSubTestClient {
  const definition = loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const root = loadPackageDefinition(definition) as unknown as { eventbus: { v1: { PubSub: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Stub } } };
  const stub = new root.eventbus.v1.PubSub(address, credentials.createInsecure());
  const metadata = (): Metadata => {
    const m = new Metadata();
    m.set('accesstoken', auth.accessToken);
    m.set('instanceurl', auth.instanceUrl);
    m.set('tenantid', auth.tenantId);
    return m;
  };
  return {
    unary<Res>(method: string, request: Record<string, unknown>) {
      return new Promise<Res>((resolve, reject) => {
        (stub[method] as (req: unknown, md: Metadata, cb: (e: ServiceError | null, r: Res) => void) => void).call(stub, request, metadata(), (error, response) => (error ? reject(error) : resolve(response)));
      });
    },
    stream<Req, Res>(method: string): TestStream<Req, Res> {
      const call = (stub[method] as (md: Metadata) => ClientDuplexStream<Req, Res>).call(stub, metadata());
      const queue: Res[] = [];
      let failure: ServiceError | undefined;
      const waiters = new Set<() => void>();
      const wake = (): void => {
        for (const w of [...waiters]) w();
      };
      call.on('data', (response: Res) => {
        queue.push(response);
        wake();
      });
      call.on('error', (error: ServiceError) => {
        failure = error;
        wake();
      });
      return {
        send: (request) => void call.write(request),
        next: (ms = 5000) => waitFor(() => queue.shift(), waiters, ms, `${method} response`),
        buffered: () => [...queue],
        error: (ms = 5000) => waitFor(() => failure, waiters, ms, `${method} error`),
        end: () => call.end(),
      };
    },
    close: () => stub.close(),
  };
}

/** The `error-code` and `rpc-id` trailers of a failed call. */
export function trailers(error: ServiceError): { errorCode: unknown; rpcId: unknown } {
  return { errorCode: error.metadata?.get('error-code')[0], rpcId: error.metadata?.get('rpc-id')[0] };
}
