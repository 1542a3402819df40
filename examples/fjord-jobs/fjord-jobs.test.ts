import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { fjordKitOptions } from './kit-options.ts';
import plugin from './plugin.ts';

describeBoardPlugin(fjordKitOptions(plugin));
