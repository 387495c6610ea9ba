// The agent's version as reported to the hub in Register and Hello.
export const agentVersion = '0.1.0';
