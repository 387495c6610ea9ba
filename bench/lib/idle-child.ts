// The runtime floor: node with the tsx loader and nothing else, idle, for the idle-memory baselines.
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const keepAlive = setInterval(() => undefined, 1 << 30);
process.on('disconnect', () => process.exit(1));
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  process.exit(0);
});
