/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

export type LocationInput = {
  city?: string | null | undefined;
  countryCode?: string | null | undefined;
  postalCode?: string | null | undefined;
  region?: string | null | undefined;
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

export type CreateJobMutationVariables = Exact<{
  input: CreateJobInput;
}>;


export type CreateJobMutation = { createJob:
    | { __typename: 'Job', id: string, title: string, description: string, stages: Array<string>, location: { city: string | null } }
    | { __typename: 'ValidationError', fieldErrors: Array<{ path: Array<string>, message: string }> }
   };


export const CreateJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"stages"}},{"kind":"Field","name":{"kind":"Name","value":"location"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"city"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CreateJobMutation, CreateJobMutationVariables>;