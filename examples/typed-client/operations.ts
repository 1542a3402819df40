import { graphql } from './generated/index.js';

export const ConnectLeForem = graphql(`
  mutation ConnectLeForem($input: ConnectLeForemInput!) {
    connectLeForem(input: $input) {
      __typename
      ... on Contract { id status statusReason }
      ... on ValidationError { fieldErrors { path message } }
      ... on Error { message }
    }
  }
`);

export const CreateJob = graphql(`
  mutation CreateJob($input: CreateJobInput!) {
    createJob(input: $input) {
      __typename
      ... on Job { id title }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

export const PublishPosting = graphql(`
  mutation PublishPosting($input: PublishPostingInput!) {
    publishPosting(input: $input) {
      __typename
      ... on Posting { id status }
      ... on ValidationError { fieldErrors { path message } }
      ... on Error { message }
    }
  }
`);

export const PostingReviewed = graphql(`
  subscription PostingReviewed($boardId: ID) {
    postingReviewed(boardId: $boardId) {
      approved
      reason
      posting { id status externalId }
    }
  }
`);
