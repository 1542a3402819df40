/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ConnectLeForemInput = {
  /** A name for the contract, e.g. "Brussels office". */
  alias?: string | null | undefined;
  /** The confidentiality agreement with Le Forem is signed. Must be true. */
  confidentialityAgreementSigned: boolean;
  credentials: LeForemCredentialsInput;
  /** How many postings were bought; omit when the contract does not count credits. */
  credits?: number | null | undefined;
  environment: LeForemEnvironment;
  /** From this date the contract is EXPIRED and refuses new postings. */
  expiresAt?: string | null | undefined;
  /** What the contract cost; informative only. */
  purchasePrice?: MoneyInput | null | undefined;
};

/** EXPIRED is reported from the expiry date on, whatever the stored status. */
export type ContractStatus =
  | 'ACTIVE'
  | 'DISCONNECTED'
  | 'EXPIRED'
  | 'INVALID_CREDENTIALS'
  | 'NOT_CONFIGURED'
  | 'PENDING_VERIFICATION'
  | 'SUSPENDED';

export type CreateJobInput = {
  applyUrl?: string | null | undefined;
  category?: string | null | undefined;
  /** HTML; anything but basic formatting and links is removed. */
  description: string;
  employmentType?: EmploymentType | null | undefined;
  hoursPerWeek?: number | null | undefined;
  location?: LocationInput | null | undefined;
  /** Shown on the organisation's own careers site. Default: false. */
  onWebsite?: boolean | null | undefined;
  /** Screening questions (at most 20). */
  questions?: Array<ScreeningQuestionInput> | null | undefined;
  /** The recruiter in charge; the creating user by default. Null: nobody. */
  recruiterId?: string | number | null | undefined;
  salary?: SalaryRangeInput | null | undefined;
  /** Default: Applied, Screening, Interview, Offer, Hired. */
  stages?: Array<string> | null | undefined;
  status?: JobStatus | null | undefined;
  title: string;
};

export type EmploymentType =
  | 'FREELANCE'
  | 'FULL_TIME'
  | 'INTERNSHIP'
  | 'PART_TIME'
  | 'TEMPORARY';

export type JobStatus =
  | 'CLOSED'
  | 'OPEN';

/** Credentials for Le Forem. */
export type LeForemCredentialsInput = {
  /** API key — The subscription key of the environment (one per environment). — Secret: write-only. */
  apiKey: string;
  /** Partner code — Given by Le Forem with the confidentiality agreement. */
  partnerCode: string;
};

export type LeForemEnvironment =
  | 'ACCEPTANCE'
  | 'PRODUCTION';

export type LocationInput = {
  city?: string | null | undefined;
  countryCode?: string | null | undefined;
  postalCode?: string | null | undefined;
  region?: string | null | undefined;
};

export type MoneyInput = {
  /** Decimal string, e.g. "1250.00". */
  amount: string;
  /** ISO 4217 code, e.g. EUR. */
  currency: string;
};

export type PostingStatus =
  | 'DRAFT'
  | 'EXPIRED'
  | 'FAILED'
  | 'PENDING_REVIEW'
  | 'PUBLISHED'
  | 'QUEUED'
  | 'REJECTED'
  | 'SUBMITTED'
  | 'UPDATE_QUEUED'
  | 'WITHDRAWN';

export type PublishPostingInput = {
  /** The board-only fields (Board.postingFieldsSchema); defaults derived from the job fill the rest. */
  boardFields?: unknown;
  /** Take the posting off the board then (after the publication, within a year). */
  closeAt?: string | null | undefined;
  /** Take the posting off the board when the contract expires: closeAt is the contract's expiry date, and follows it when the contract is renewed. Not with closeAt. */
  closeWithContract?: boolean | null | undefined;
  contractId: string | number;
  jobId: string | number;
  /** Send the publication then instead of at once (within a year). Until then the posting is QUEUED; withdrawPosting cancels it and gives the credit back. */
  publishAt?: string | null | undefined;
};

export type SalaryPeriod =
  | 'HOUR'
  | 'MONTH'
  | 'YEAR';

export type SalaryRangeInput = {
  currency: string;
  max?: string | null | undefined;
  /** Decimal string, e.g. "42000". */
  min?: string | null | undefined;
  period: SalaryPeriod;
};

export type ScreeningQuestionInput = {
  /** Lowercase letters, digits and hyphens, unique within the job. */
  id: string;
  kind: ScreeningQuestionKind;
  /** YES_NO only: the answer that rules the candidate out. */
  knockOutAnswer?: boolean | null | undefined;
  /** SINGLE_CHOICE and MULTIPLE_CHOICE: at least two. */
  options?: Array<string> | null | undefined;
  /** Default: false. */
  required?: boolean | null | undefined;
  text: string;
};

export type ScreeningQuestionKind =
  | 'FREE_TEXT'
  | 'MULTIPLE_CHOICE'
  | 'SINGLE_CHOICE'
  | 'YES_NO';

export type ConnectLeForemMutationVariables = Exact<{
  input: ConnectLeForemInput;
}>;


export type ConnectLeForemMutation = { connectLeForem:
    | { __typename: 'Contract', id: string, status: ContractStatus, statusReason: string | null }
    | { __typename: 'ContractStateError', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type CreateJobMutationVariables = Exact<{
  input: CreateJobInput;
}>;


export type CreateJobMutation = { createJob:
    | { __typename: 'Job', id: string, title: string }
    | { __typename: 'ValidationError', fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type PublishPostingMutationVariables = Exact<{
  input: PublishPostingInput;
}>;


export type PublishPostingMutation = { publishPosting:
    | { __typename: 'ContractStateError', message: string }
    | { __typename: 'NotEnoughCredits', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'Posting', id: string, status: PostingStatus }
    | { __typename: 'PostingExists', message: string }
    | { __typename: 'UnsupportedOperation', message: string }
    | { __typename: 'ValidationError', message: string, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type PostingReviewedSubscriptionVariables = Exact<{
  boardId?: string | number | null | undefined;
}>;


export type PostingReviewedSubscription = { postingReviewed: { approved: boolean, reason: string | null, posting: { id: string, status: PostingStatus, externalId: string | null } } };


export const ConnectLeForemDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConnectLeForem"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ConnectLeForemInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectLeForem"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Contract"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConnectLeForemMutation, ConnectLeForemMutationVariables>;
export const CreateJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CreateJobMutation, CreateJobMutationVariables>;
export const PublishPostingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PublishPosting"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PublishPostingInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publishPosting"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Posting"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PublishPostingMutation, PublishPostingMutationVariables>;
export const PostingReviewedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PostingReviewed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"boardId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"postingReviewed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"boardId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"boardId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approved"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"posting"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}}]}}]}}]}}]} as unknown as DocumentNode<PostingReviewedSubscription, PostingReviewedSubscriptionVariables>;