// The operations several test files send, typed from schema.graphql by `npm run codegen` (test/support/generated/).
import { graphql } from './generated/index.js';

export const CreateJob = graphql(`
  mutation CreateJob($input: CreateJobInput!) {
    createJob(input: $input) {
      __typename
      ... on Job { id title description stages location { city } }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);
