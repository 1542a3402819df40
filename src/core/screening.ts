import type { ScreeningQuestion } from '@multiposting/plugin-sdk';
import { z } from 'zod';
import type { Prisma } from '../db/database.ts';

const KINDS = ['FREE_TEXT', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'YES_NO'] as const;

const questionSchema = z
  .object({
    id: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and hyphens, e.g. "driving-licence"'),
    text: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
    kind: z.enum(KINDS),
    options: z.array(z.string().trim().min(1).max(200)).max(30).nullish(),
    required: z.boolean().nullish(),
    knockOutAnswer: z.boolean().nullish(),
  })
  .superRefine((question, context) => {
    const choices = question.kind === 'SINGLE_CHOICE' || question.kind === 'MULTIPLE_CHOICE';
    if (choices && (question.options?.length ?? 0) < 2)
      context.addIssue({ code: 'custom', path: ['options'], message: 'a choice needs at least two options' });
    if (!choices && question.options?.length)
      context.addIssue({ code: 'custom', path: ['options'], message: `a ${question.kind} question has no options` });
    if (question.kind !== 'YES_NO' && question.knockOutAnswer != null)
      context.addIssue({ code: 'custom', path: ['knockOutAnswer'], message: 'only a YES_NO question has one' });
  })
  .transform(
    (question): ScreeningQuestion => ({
      id: question.id,
      text: question.text,
      kind: question.kind,
      options: question.options ?? [],
      required: question.required ?? false,
      knockOutAnswer: question.kind === 'YES_NO' ? (question.knockOutAnswer ?? null) : null,
    }),
  );

/** A job's screening questions as its input takes them: at most 20, ids unique within the job. */
export const questionsSchema = z
  .array(questionSchema)
  .max(20, 'must be at most 20 questions')
  .refine((questions) => new Set(questions.map((question) => question.id)).size === questions.length, {
    message: 'must not repeat a question id',
  });

/** The questions stored on a job. */
export const questionsOf = (stored: Prisma.JsonValue): ScreeningQuestion[] =>
  Array.isArray(stored) ? (stored as unknown as ScreeningQuestion[]) : [];

export type Answer = string | string[] | boolean;
export interface StoredAnswer {
  questionId: string | null;
  question: string;
  answer: Answer;
}

/** Whether an answer is the knock-out answer of one of the job's yes/no questions. */
export function isKnockedOut(
  questions: readonly ScreeningQuestion[],
  answers: readonly { questionId?: string | null | undefined; answer: unknown }[],
): boolean {
  return answers.some((answer) =>
    questions.some(
      (question) =>
        question.id === answer.questionId &&
        question.kind === 'YES_NO' &&
        question.knockOutAnswer !== null &&
        question.knockOutAnswer === answer.answer,
    ),
  );
}

/**
 * A candidate's answers, by question id, checked against the job's questions: each required one answered, a
 * choice among its options, yes/no a boolean. Problems by question id; otherwise the answers as stored.
 */
export function checkAnswers(
  questions: readonly ScreeningQuestion[],
  given: Readonly<Record<string, Answer | undefined>>,
): { problems: Record<string, string>; answers: StoredAnswer[] } {
  const problems: Record<string, string> = {};
  const answers: StoredAnswer[] = [];
  for (const question of questions) {
    const answer = given[question.id];
    const empty = answer === undefined || answer === '' || (Array.isArray(answer) && answer.length === 0);
    if (empty) {
      if (question.required) problems[question.id] = 'required';
      continue;
    }
    const valid =
      question.kind === 'YES_NO'
        ? typeof answer === 'boolean'
        : question.kind === 'FREE_TEXT'
          ? typeof answer === 'string' && answer.length <= 2000
          : question.kind === 'SINGLE_CHOICE'
            ? typeof answer === 'string' && question.options.includes(answer)
            : Array.isArray(answer) && answer.every((choice) => question.options.includes(choice));
    if (!valid) {
      problems[question.id] = 'invalid';
      continue;
    }
    answers.push({ questionId: question.id, question: question.text, answer: answer! });
  }
  return { problems, answers };
}
