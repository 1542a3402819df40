import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import plugin from './plugin.ts';
import { WAREHOUSE_FIELDS, WAREHOUSE_JOB } from './sample-posting.ts';
import { LE_FOREM_PARTNERS, startLeForemSimulator } from './simulator.ts';

describeBoardPlugin({
  plugin,
  startSimulator: () => startLeForemSimulator(),
  credentials: {
    valid: { partnerCode: 'ACME01', apiKey: LE_FOREM_PARTNERS.ACME01! },
    refused: { partnerCode: 'ACME01', apiKey: LE_FOREM_PARTNERS.GLOBEX2! },
    other: { partnerCode: 'GLOBEX2', apiKey: LE_FOREM_PARTNERS.GLOBEX2! },
  },
  invalidBoardFields: [
    { boardFields: { postalCode: '40000' }, path: 'postalCode' },
    { boardFields: { contractType: 'CDI' }, path: 'contractType' },
    { boardFields: { romeCode: 'Z9999' }, path: 'romeCode' },
    { boardFields: { industryCode: '99999' }, path: 'industryCode' },
    { boardFields: { drivingLicences: ['Z'] }, path: 'drivingLicences.0' },
  ],
  posting: { job: WAREHOUSE_JOB, boardFields: WAREHOUSE_FIELDS },
});
