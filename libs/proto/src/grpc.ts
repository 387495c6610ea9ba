// Bridges protobuf-es service descriptors to @grpc/grpc-js, so no app hand-writes a serializer or a method path.
import * as grpc from '@grpc/grpc-js';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, DescMethod, DescService, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';

type In<M extends GenServiceMethods[string]> = MessageShape<M['input']>;
type Out<M extends GenServiceMethods[string]> = MessageShape<M['output']>;

/** The server-side handler grpc-js expects for each method kind. */
export type ServiceImplementation<T extends GenServiceMethods> = {
  [K in keyof T]: T[K]['methodKind'] extends 'unary'
    ? grpc.handleUnaryCall<In<T[K]>, Out<T[K]>>
    : T[K]['methodKind'] extends 'server_streaming'
      ? grpc.handleServerStreamingCall<In<T[K]>, Out<T[K]>>
      : T[K]['methodKind'] extends 'client_streaming'
        ? grpc.handleClientStreamingCall<In<T[K]>, Out<T[K]>>
        : grpc.handleBidiStreamingCall<In<T[K]>, Out<T[K]>>;
};

/** Per-call options of a generated client. */
export interface CallOptions {
  metadata?: grpc.Metadata;
  /** Absolute deadline, or milliseconds from now. */
  deadline?: Date | number;
  signal?: AbortSignal;
}

/** A promise-based client: unary methods resolve to the response; streaming methods return the grpc-js stream. */
export type ServiceClient<T extends GenServiceMethods> = {
  [K in keyof T]: T[K]['methodKind'] extends 'unary'
    ? (request: In<T[K]>, options?: CallOptions) => Promise<Out<T[K]>>
    : T[K]['methodKind'] extends 'server_streaming'
      ? (request: In<T[K]>, options?: CallOptions) => grpc.ClientReadableStream<Out<T[K]>>
      : T[K]['methodKind'] extends 'client_streaming'
        ? never
        : (options?: CallOptions) => grpc.ClientDuplexStream<In<T[K]>, Out<T[K]>>;
} & { readonly grpcClient: grpc.Client; close(): void };

function codec<D extends DescMessage>(schema: D) {
  return {
    serialize: (message: MessageShape<D>): Buffer => Buffer.from(toBinary(schema, message)),
    deserialize: (bytes: Buffer): MessageShape<D> => fromBinary(schema, bytes),
  };
}

function methodDefinition(method: DescMethod): grpc.MethodDefinition<unknown, unknown> {
  const request = codec(method.input);
  const response = codec(method.output);
  return {
    path: `/${method.parent.typeName}/${method.name}`,
    requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
    responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
    requestSerialize: request.serialize as (value: unknown) => Buffer,
    requestDeserialize: request.deserialize,
    responseSerialize: response.serialize as (value: unknown) => Buffer,
    responseDeserialize: response.deserialize,
    originalName: method.localName,
  };
}

/** The grpc-js service definition of a protobuf-es service, keyed by each method's local (lowerCamel) name. */
export function serviceDefinition(service: DescService): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) definition[method.localName] = methodDefinition(method);
  return definition;
}

/** Adds a typed implementation of `service` to a grpc-js server. */
export function addService<T extends GenServiceMethods>(
  server: grpc.Server,
  service: GenService<T>,
  implementation: ServiceImplementation<T>,
): void {
  server.addService(serviceDefinition(service), implementation as unknown as grpc.UntypedServiceImplementation);
}

function toGrpcOptions(options: CallOptions | undefined): grpc.CallOptions {
  if (options?.deadline === undefined) return {};
  const deadline = typeof options.deadline === 'number' ? new Date(Date.now() + options.deadline) : options.deadline;
  return { deadline };
}

function attachAbort(call: { cancel(): void }, signal: AbortSignal | undefined): void {
  if (!signal) return;
  if (signal.aborted) call.cancel();
  else signal.addEventListener('abort', () => call.cancel(), { once: true });
}

/** Creates a typed client of `service` for a hub at `address` (host:port). */
export function createClient<T extends GenServiceMethods>(
  service: GenService<T>,
  address: string,
  credentials: grpc.ChannelCredentials,
  channelOptions: grpc.ChannelOptions = {},
): ServiceClient<T> {
  const Constructor = grpc.makeGenericClientConstructor(serviceDefinition(service), service.typeName);
  const client = new Constructor(address, credentials, channelOptions);
  const stubs: Record<string, unknown> = {};
  for (const method of service.methods) {
    const definition = methodDefinition(method);
    if (method.methodKind === 'unary') {
      stubs[method.localName] = (request: unknown, options?: CallOptions) =>
        new Promise((resolve, reject) => {
          const call = client.makeUnaryRequest(
            definition.path,
            definition.requestSerialize,
            definition.responseDeserialize,
            request,
            options?.metadata ?? new grpc.Metadata(),
            toGrpcOptions(options),
            (error, response) => (error ? reject(error) : resolve(response)),
          );
          attachAbort(call, options?.signal);
        });
    } else if (method.methodKind === 'server_streaming') {
      stubs[method.localName] = (request: unknown, options?: CallOptions) => {
        const call = client.makeServerStreamRequest(
          definition.path,
          definition.requestSerialize,
          definition.responseDeserialize,
          request,
          options?.metadata ?? new grpc.Metadata(),
          toGrpcOptions(options),
        );
        attachAbort(call, options?.signal);
        return call;
      };
    } else if (method.methodKind === 'bidi_streaming') {
      stubs[method.localName] = (options?: CallOptions) => {
        const call = client.makeBidiStreamRequest(
          definition.path,
          definition.requestSerialize,
          definition.responseDeserialize,
          options?.metadata ?? new grpc.Metadata(),
          toGrpcOptions(options),
        );
        attachAbort(call, options?.signal);
        return call;
      };
    }
  }
  return Object.assign(stubs, { grpcClient: client, close: () => client.close() }) as ServiceClient<T>;
}

/** Metadata carrying a bearer credential, the way every authenticated Flotilla call presents it. */
export function bearer(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** Reads the bearer credential of a call, or undefined when absent or malformed. */
export function bearerOf(metadata: grpc.Metadata): string | undefined {
  const [value] = metadata.get('authorization');
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(value);
  return match?.[1];
}
