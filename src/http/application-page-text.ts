/** The hosted application page's words, in the languages of the boards that link to it. */
export type PageLanguage = 'en' | 'nl' | 'fr';

/** The page speaks the language of the board's country; English elsewhere. */
export function pageLanguage(country: string | undefined): PageLanguage {
  return ({ NL: 'nl', BE: 'fr', FR: 'fr', LU: 'fr' } as Record<string, PageLanguage>)[country ?? ''] ?? 'en';
}

export interface PageText {
  apply: string;
  name: string;
  email: string;
  phone: string;
  cv: string;
  consent: (organization: string) => string;
  submit: string;
  questions: string;
  yes: string;
  no: string;
  notFound: string;
  tooMany: (minutes: number) => [title: string, body: string];
  tooLarge: [title: string, body: string];
  thanks: (job: string, organization: string) => [title: string, body: string];
  errors: {
    name: string;
    nameTooLong: string;
    email: string;
    phone: string;
    consent: string;
    outdated: string;
    cvTooLarge: string;
    unreadable: string;
    form: string;
    answerRequired: string;
    answerInvalid: string;
  };
}

export const PAGE_TEXT: Record<PageLanguage, PageText> = {
  en: {
    apply: 'Apply',
    name: 'Name',
    email: 'E-mail',
    phone: 'Phone (optional)',
    cv: 'CV (optional: PDF, Word, ODT, RTF or text)',
    consent: (organization) => `I agree that ${organization} receives and keeps my application.`,
    submit: 'Send my application',
    questions: 'A few questions',
    yes: 'Yes',
    no: 'No',
    notFound: 'This vacancy is no longer open',
    tooMany: (minutes) => [
      'Too many applications',
      `Too many applications from your address. Please try again in ${minutes} minute(s).`,
    ],
    tooLarge: ['The CV is too large', 'Go back and choose a smaller file.'],
    thanks: (job, organization) => ['Thank you', `Your application for ${job} was sent to ${organization}.`],
    errors: {
      name: 'Please enter your name.',
      nameTooLong: 'Your name is too long.',
      email: 'Please enter a valid e-mail address.',
      phone: 'The phone number is too long.',
      consent: 'Please agree to your application being passed on.',
      outdated: 'The form was out of date and has been renewed: please send it again.',
      cvTooLarge: 'The CV is too large.',
      unreadable: 'The form could not be read; please try again.',
      form: 'Please check the form.',
      answerRequired: 'Please answer this question.',
      answerInvalid: 'Please choose among the answers offered.',
    },
  },
  nl: {
    apply: 'Solliciteren',
    name: 'Naam',
    email: 'E-mailadres',
    phone: 'Telefoon (optioneel)',
    cv: 'Cv (optioneel: PDF, Word, ODT, RTF of tekst)',
    consent: (organization) => `Ik ga ermee akkoord dat ${organization} mijn sollicitatie ontvangt en bewaart.`,
    submit: 'Verstuur mijn sollicitatie',
    questions: 'Een paar vragen',
    yes: 'Ja',
    no: 'Nee',
    notFound: 'Deze vacature is niet meer open',
    tooMany: (minutes) => [
      'Te veel sollicitaties',
      `Te veel sollicitaties vanaf uw adres. Probeer het over ${minutes} minuut/minuten opnieuw.`,
    ],
    tooLarge: ['Het cv is te groot', 'Ga terug en kies een kleiner bestand.'],
    thanks: (job, organization) => ['Bedankt', `Uw sollicitatie voor ${job} is verstuurd naar ${organization}.`],
    errors: {
      name: 'Vul uw naam in.',
      nameTooLong: 'Uw naam is te lang.',
      email: 'Vul een geldig e-mailadres in.',
      phone: 'Het telefoonnummer is te lang.',
      consent: 'Geef toestemming om uw sollicitatie door te geven.',
      outdated: 'Het formulier was verouderd en is vernieuwd: verstuur het opnieuw.',
      cvTooLarge: 'Het cv is te groot.',
      unreadable: 'Het formulier kon niet worden gelezen; probeer het opnieuw.',
      form: 'Controleer het formulier.',
      answerRequired: 'Beantwoord deze vraag.',
      answerInvalid: 'Kies een van de aangeboden antwoorden.',
    },
  },
  fr: {
    apply: 'Postuler',
    name: 'Nom',
    email: 'Adresse e-mail',
    phone: 'Téléphone (facultatif)',
    cv: 'CV (facultatif : PDF, Word, ODT, RTF ou texte)',
    consent: (organization) => `J'accepte que ${organization} reçoive et conserve ma candidature.`,
    submit: 'Envoyer ma candidature',
    questions: 'Quelques questions',
    yes: 'Oui',
    no: 'Non',
    notFound: "Cette offre n'est plus ouverte",
    tooMany: (minutes) => [
      'Trop de candidatures',
      `Trop de candidatures depuis votre adresse. Réessayez dans ${minutes} minute(s).`,
    ],
    tooLarge: ['Le CV est trop volumineux', 'Revenez en arrière et choisissez un fichier plus petit.'],
    thanks: (job, organization) => ['Merci', `Votre candidature pour ${job} a été envoyée à ${organization}.`],
    errors: {
      name: 'Veuillez indiquer votre nom.',
      nameTooLong: 'Votre nom est trop long.',
      email: 'Veuillez indiquer une adresse e-mail valide.',
      phone: 'Le numéro de téléphone est trop long.',
      consent: 'Veuillez accepter que votre candidature soit transmise.',
      outdated: "Le formulaire n'était plus à jour et a été renouvelé : veuillez l'envoyer à nouveau.",
      cvTooLarge: 'Le CV est trop volumineux.',
      unreadable: "Le formulaire n'a pas pu être lu ; veuillez réessayer.",
      form: 'Veuillez vérifier le formulaire.',
      answerRequired: 'Veuillez répondre à cette question.',
      answerInvalid: 'Veuillez choisir parmi les réponses proposées.',
    },
  },
};
