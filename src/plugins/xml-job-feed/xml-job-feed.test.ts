import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { startSimulator } from '@multiposting/plugin-sdk/simulator';
import plugin from './plugin.ts';

// The XML job feed is read by the boards themselves and has no API to call: the kit checks the manifest, credential
// validation and the feed. Nothing can refuse the settings but their own validation (a publisher is required).
describeBoardPlugin({
  plugin,
  startSimulator: () => startSimulator({}),
  credentials: {
    valid: { publisher: 'Acme Logistics', publisherUrl: 'https://acme.example' },
    refused: { publisher: 'Acme Logistics', publisherUrl: 'not a url' },
  },
});
