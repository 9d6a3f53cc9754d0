import type { Faker } from '@faker-js/faker';
import type { TemperatureClass } from '../src/db/schema/index.ts';

export type SellerSpec = {
  code: string;
  name: string;
  country: string;
  /** GS1 company prefix (country prefix first: 690–699 China, 487 Kazakhstan, 478 Uzbekistan). */
  gs1Prefix: string;
  skuPrefix: string;
  category: string;
  temperatureClass: TemperatureClass;
  tracksLot: boolean;
  tracksExpiry: boolean;
  /** Shelf life range in days for expiry-tracked goods. */
  shelfLife?: [number, number];
  caseSizes: number[];
  names: (f: Faker) => string;
};

const pick = <T>(f: Faker, xs: readonly T[]) => f.helpers.arrayElement(xs);

export const sellerSpecs: SellerSpec[] = [
  {
    code: 'HARBIN-FROST',
    name: 'Harbin Frost Foods Co., Ltd.',
    country: 'CN',
    gs1Prefix: '6921734',
    skuPrefix: 'HF',
    category: 'Ice cream and frozen food',
    temperatureClass: 'frozen',
    tracksLot: true,
    tracksExpiry: true,
    shelfLife: [-10, 420],
    caseSizes: [12, 24, 36],
    names: (f) =>
      f.helpers.weightedArrayElement([
        { weight: 3, value: `${pick(f, ['Vanilla', 'Chocolate', 'Strawberry', 'Matcha', 'Mango', 'Red bean', 'Crème brûlée', 'Pistachio', 'Salted caramel', 'Taro'])} ice cream ${pick(f, ['cone 90 g', 'bar 70 g', 'cup 80 g', 'tub 450 g', 'sandwich 75 g', 'mochi 6 × 35 g'])}` },
        { weight: 2, value: `${pick(f, ['Pork & cabbage', 'Beef & onion', 'Shrimp & chive', 'Chicken & mushroom', 'Lamb & carrot'])} dumplings ${pick(f, ['500 g', '1 kg'])}` },
        { weight: 1, value: `Frozen ${pick(f, ['bao buns 6 pcs', 'spring rolls 12 pcs', 'sesame balls 400 g', 'fried rice 450 g', 'noodles 5 × 200 g'])}` },
      ]),
  },
  {
    code: 'ALMATY-SUT',
    name: 'Almaty Sut LLP',
    country: 'KZ',
    gs1Prefix: '4870210',
    skuPrefix: 'AS',
    category: 'Chilled dairy',
    temperatureClass: 'chilled',
    tracksLot: true,
    tracksExpiry: true,
    shelfLife: [-3, 45],
    caseSizes: [6, 12],
    names: (f) =>
      `${pick(f, ['Kefir 2.5%', 'Ayran', 'Kurt cheese', 'Cottage cheese 9%', 'Sour cream 20%', 'Greek yoghurt', 'Milk 3.2%', 'Kumis', 'Shubat', 'Butter 82.5%', 'Suzbe', 'Drinking yoghurt'])} ${pick(f, ['200 g', '350 g', '450 g', '500 ml', '900 ml', '1 l'])}`,
  },
  {
    code: 'TASH-SHIRIN',
    name: 'Toshkent Shirinliklari',
    country: 'UZ',
    gs1Prefix: '4780035',
    skuPrefix: 'TS',
    category: 'Candy',
    temperatureClass: 'ambient',
    tracksLot: false,
    tracksExpiry: true,
    shelfLife: [20, 360],
    caseSizes: [10, 20, 40],
    names: (f) =>
      `${pick(f, ['Halva', 'Navat crystal sugar', 'Chak-chak', 'Dried apricots in chocolate', 'Pashmak', 'Walnut candy', 'Sesame brittle', 'Raisin toffee', 'Pistachio nougat', 'Almond marzipan'])} ${pick(f, ['150 g', '250 g', '300 g', '500 g', 'gift box 1 kg'])}`,
  },
  {
    code: 'SZ-LIANXIN',
    name: 'Shenzhen Lianxin Electronics',
    country: 'CN',
    gs1Prefix: '6934177',
    skuPrefix: 'LX',
    category: 'Electronics',
    temperatureClass: 'ambient',
    tracksLot: false,
    tracksExpiry: false,
    caseSizes: [10, 20, 50],
    names: (f) =>
      `${pick(f, ['USB-C charger 65 W', 'Power bank 20000 mAh', 'TWS earbuds', 'Smart watch', 'Bluetooth speaker', 'HDMI cable 2 m', 'Phone case', 'LED desk lamp', 'Car phone holder', 'Wireless mouse', 'Mechanical keyboard', 'Action camera', 'Smart plug', 'Fitness band'])} ${pick(f, ['black', 'white', 'grey', 'blue', 'pink'])}`,
  },
  {
    code: 'GZ-YIFAN',
    name: 'Guangzhou Yifan Apparel',
    country: 'CN',
    gs1Prefix: '6940558',
    skuPrefix: 'YF',
    category: 'Clothes and shoes',
    temperatureClass: 'ambient',
    tracksLot: false,
    tracksExpiry: false,
    caseSizes: [20, 30],
    names: (f) =>
      `${pick(f, ['Down jacket', 'Fleece hoodie', 'Knitted sweater', 'Cargo trousers', 'Running shoes', 'Winter boots', 'Canvas sneakers', 'Thermal leggings', 'Puffer vest', 'Wool scarf'])} ${pick(f, ['black', 'navy', 'beige', 'khaki', 'white'])} ${pick(f, ['S', 'M', 'L', 'XL', '38', '40', '42', '44'])}`,
  },
  {
    code: 'NINGBO-HENGDA',
    name: 'Ningbo Hengda Machinery Parts',
    country: 'CN',
    gs1Prefix: '6957320',
    skuPrefix: 'HD',
    category: 'Machine parts',
    temperatureClass: 'ambient',
    tracksLot: true,
    tracksExpiry: false,
    caseSizes: [10, 50, 100],
    names: (f) =>
      `${pick(f, ['Deep groove ball bearing', 'Taper roller bearing', 'Hydraulic seal kit', 'V-belt', 'Oil filter', 'Fuel injector nozzle', 'Brake pad set', 'Gear pump', 'Solenoid valve', 'Chain sprocket'])} ${pick(f, ['6204-2RS', '30205', 'A-42', 'HF-6553', 'DN15', 'Z18', 'M12', '24V'])}`,
  },
];
