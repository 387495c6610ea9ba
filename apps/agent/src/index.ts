// @flotilla/agent: the per-cluster agent, for the `flotilla-agent` binary and for in-process use by end-to-end tests.
//
// Usage (tests):
//   const agent = await startAgent({
//     hubAddress: '127.0.0.1:50051', clusterName: 'prod-eu-1', labels: { env: 'prod' },
//     bootstrapToken, stateDir: dir, kubeconfig: cluster.kubeconfig(), insecure: true,
//     timings: { reconnect: { initialMs: 50, maxMs: 1000, factor: 2, jitter: 0.5 } },
//   });
//   ... await the hub's REST status, or agent.onStatus(...) ...
//   await agent.close();
//
// The agent registers once with the bootstrap token and stores its credential (stateDir/credential.json, mode 0600,
// or a Secret in stateNamespace), dials the hub, applies every DesiredState snapshot and streams status back. It keeps
// reconciling the stored desired state while the hub is away and after restarts. `agent.stopped` resolves when it
// stops by itself (credential revoked, registration refused) or is closed.
export { startAgent } from './agent.js';
export type { AgentOptions, AgentTimings, RunningAgent, StopReason } from './agent.js';
export { loadConfig, parseGitCredentials, parseLabels } from './config/index.js';
export type { AgentConfig, GitCredential, Guard, KustomizeBinaryConfig, SourceSettings } from './config/index.js';
export { assessHealth, worstOf } from './health/index.js';
export type { HealthResult, HealthStatus } from './health/index.js';
export type { AppStatusValue, SyncState } from './status/index.js';
export { backoffDelay, systemClock } from './clock.js';
export type { BackoffPolicy, Clock, Timer } from './clock.js';
export { AgentError } from './errors.js';
export type { AgentErrorCode } from './errors.js';
export { agentVersion } from './version.js';
