// The hub under test in a process of its own (so its memory is measured apart from the simulated agents): startHub
// with options from FLOTILLA_BENCH_HUB (JSON), one JSON line on stdout once it serves, memory figures over IPC.
import { startHub } from '@flotilla/hub';
import type { HubOptions } from '@flotilla/hub';
import { pino } from 'pino';
import { answerMemoryRequests } from './memory.js';

const options = JSON.parse(process.env['FLOTILLA_BENCH_HUB'] ?? '{}') as HubOptions;
const hub = await startHub({ logger: pino({ level: 'error' }), ...options });
answerMemoryRequests({ streams: () => hub.gateway.connectedClusters().length });
process.stdout.write(`${JSON.stringify({ ready: true, httpUrl: hub.httpUrl, grpcAddress: hub.grpcAddress, adminToken: hub.adminToken ?? null })}\n`);
const stop = () => void hub.close().then(() => process.exit(0), () => process.exit(1));
// The benchmark that started this process is gone (its IPC channel closed): never outlive it.
process.on('disconnect', () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
