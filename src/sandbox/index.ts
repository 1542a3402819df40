// Simulators of job boards' APIs for tests, benchmarks and the local demo (`multiposting-api/sandbox`).
export { startSimulator, type Fault, type RecordedCall, type RouteHandler, type Simulator, type SimulatorRequest, type SimulatorResponse } from './simulator.ts';
export { sendWebhook, type SendOutcome, type SignedDelivery } from './webhooks.ts';
export { startS3Simulator, type S3Simulator } from './s3.ts';
