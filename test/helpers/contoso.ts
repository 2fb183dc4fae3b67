/** Contoso of the geo-replication article as the recommendation tests post it: home West US, three replicas, five workload regions (GB/month). */
export const contosoWorkloads = [
  { region: 'westus', pullGBPerMonth: 1000 },
  { region: 'eastus', pullGBPerMonth: 4000 },
  { region: 'canadacentral', pullGBPerMonth: 300 },
  { region: 'westeurope', pullGBPerMonth: 3000 },
  { region: 'francecentral', pullGBPerMonth: 800 },
];

export const contoso = {
  registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
  replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }],
  workloads: contosoWorkloads,
};
