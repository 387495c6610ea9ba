// The baseline: a bare grpc-js server with the same AgentService definition and nothing else (no store, no auth, no
// metrics). It registers anyone, answers Hello with a snapshot, ignores what agents send, and on {type:'push'} writes
// the given DesiredState bytes to every open stream. What the hub costs on top of this is the figure of interest.
import * as grpc from '@grpc/grpc-js';
import { AgentService, ConnectResponseSchema, DesiredStateSchema, RegisterResponseSchema, addService, create, fromBinary } from '@flotilla/proto';
import type { ConnectRequest, ConnectResponse, DesiredState } from '@flotilla/proto';
import { answerMemoryRequests } from './memory.js';

const streams = new Set<grpc.ServerDuplexStream<ConnectRequest, ConnectResponse>>();
let registered = 0;
let current: DesiredState = create(DesiredStateSchema, { generation: 1n, clusterId: '00000000-0000-0000-0000-000000000000', apps: [] });

const server = new grpc.Server();
addService(server, AgentService, {
  register: (call, callback) =>
    callback(null, create(RegisterResponseSchema, { clusterId: `bare-${++registered}`, credential: `flt_cl_${'0'.repeat(16)}_${'x'.repeat(43)}` })),
  rotateCredential: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'baseline' }),
  connect: (call) => {
    call.on('data', (request: ConnectRequest) => {
      if (request.message.case === 'hello') {
        streams.add(call);
        call.write(create(ConnectResponseSchema, { message: { case: 'desiredState', value: current } }));
      }
    });
    const drop = () => streams.delete(call);
    call.on('end', () => {
      drop();
      call.end();
    });
    call.on('cancelled', drop);
    call.on('error', drop);
  },
});
process.on('message', (message: { type?: string; bytes?: string }) => {
  if (message?.type !== 'push' || !message.bytes) return;
  current = fromBinary(DesiredStateSchema, Buffer.from(message.bytes, 'base64'));
  const response = create(ConnectResponseSchema, { message: { case: 'desiredState', value: current } });
  for (const call of streams) call.write(response);
  process.send?.({ type: 'pushed', streams: streams.size });
});
answerMemoryRequests({ streams: () => streams.size });
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${JSON.stringify({ ready: true, grpcAddress: `127.0.0.1:${port}` })}\n`);
});
// The benchmark that started this process is gone (its IPC channel closed): never outlive it.
process.on('disconnect', () => process.exit(1));
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
