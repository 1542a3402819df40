import type { PostingJob } from '@multiposting/plugin-sdk';

/** Board fields Le Forem takes for a warehouse job in Liège: the kit's sample, the tests' and the examples'. */
export const WAREHOUSE_FIELDS = {
  language: 'FR',
  contractType: 'G',
  schedule: 'Full Time',
  romeCode: 'N1103',
  industryCode: '52100',
  postalCode: '4000',
  employerName: 'Entrepôts Mosans',
  contactName: 'Anne Dubois',
  contactEmail: 'recrutement@entrepots-mosans.example',
};

export const WAREHOUSE_JOB: PostingJob = {
  id: 'job-1',
  title: 'Magasinier (h/f/x)',
  description:
    '<p>Réception, contrôle et rangement des marchandises dans notre entrepôt de Liège; préparation des commandes et inventaires.</p>',
  location: { city: 'Liège', region: null, countryCode: 'BE', postalCode: '4000' },
  employmentType: 'FULL_TIME',
  hoursPerWeek: 38,
  salary: null,
  category: null,
  applyUrl: null,
};
