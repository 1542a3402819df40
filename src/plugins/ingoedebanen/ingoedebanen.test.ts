import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { startSimulator } from '@multiposting/plugin-sdk/simulator';
import plugin from './plugin.ts';

// InGoedeBanen pulls a feed and has no API to call: the kit checks the manifest, credential validation and the feed.
describeBoardPlugin({
  plugin,
  startSimulator: () => startSimulator({}),
  credentials: {
    valid: { email: 'vacatures@acme.example', clientId: '40213', publicationMode: 'DEDICATED_MEDIUM' },
    refused: { email: 'vacatures@acme.example', clientId: '99999', publicationMode: 'OWN_WEBSITE' },
  },
});
