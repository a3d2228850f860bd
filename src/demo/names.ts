import type { NamePool } from './places.ts';

/**
 * Common given names and surnames per language area, with their usual diacritics: the profile keeps
 * "Müller" while the email address is folded to ASCII, as real sign-up forms do.
 */
interface Names { female: string[]; male: string[]; last: string[] }

// Space-separated; `_` stands for a space inside a name ("van_den_Berg").
const split = (s: string): string[] => s.split(' ').map((n) => n.replace(/_/g, ' '));

export const NAMES: Record<NamePool, Names> = {
  en: {
    female: split('Olivia Emma Amelia Sophie Isla Grace Chloe Emily Charlotte Ava Mia Lucy Hannah Jessica Ella Zoë Megan Ruby'),
    male: split('Oliver Jack Harry George Noah Leo James Thomas William Liam Ethan Daniel Samuel Ryan Lucas Owen'),
    last: split("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood Murphy O'Brien Kelly Clarke Miller Garcia Martinez Anderson Lee Nguyen"),
  },
  de: {
    female: split('Anna Lena Laura Julia Sarah Lea Hannah Sophie Marie Katharina Johanna Lisa Mia Clara Jana Franziska'),
    male: split('Lukas Jonas Leon Felix Maximilian Paul Finn Jan Tobias Niklas Julian Moritz Simon Florian'),
    last: split('Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Schröder Neumann Schwarz Braun Hofmann Zimmermann Krüger Hartmann'),
  },
  fr: {
    female: split('Camille Léa Manon Chloé Emma Inès Jade Louise Sarah Clara Juliette Lucie Élise Margaux Pauline Anaïs'),
    male: split('Lucas Hugo Louis Gabriel Arthur Jules Nathan Théo Raphaël Adam Mathis Antoine Baptiste Clément'),
    last: split('Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia David Bertrand Roux Fontaine Girard'),
  },
  nl: {
    female: split('Emma Julia Sophie Lotte Sanne Fleur Eva Anouk Lisa Noor Femke Iris Mila Lieke Marloes'),
    male: split('Daan Sem Lucas Milan Thijs Bram Ruben Jesse Lars Stijn Tim Niels Joris Wouter'),
    last: split('de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssens Visser Smit Meijer de_Boer Mulder Peeters Bos Vos Peters Hendriks Maes Dekker'),
  },
  es: {
    female: split('Lucía María Paula Sofía Martina Carmen Laura Marta Alba Elena Claudia Andrea Irene Nerea'),
    male: split('Hugo Pablo Daniel Alejandro Javier Adrián Álvaro Diego Sergio Manuel Carlos Iker Mario'),
    last: split('García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero'),
  },
  it: {
    female: split('Giulia Sofia Aurora Alice Ginevra Emma Giorgia Martina Chiara Francesca Sara Elena Beatrice Federica'),
    male: split('Leonardo Francesco Alessandro Lorenzo Mattia Andrea Gabriele Matteo Tommaso Riccardo Marco Luca Davide'),
    last: split('Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De_Luca Costa Giordano Mancini Lombardi'),
  },
  nordic: {
    female: split('Alice Maja Elsa Ella Wilma Ebba Freja Ida Emma Sofie Astrid Agnes Signe Linnea'),
    male: split('William Lucas Oscar Elias Hugo Noah Liam Oliver Emil Magnus Anton Axel Frederik'),
    last: split('Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsen Jensen Nielsen Hansen Pedersen Lindqvist Berg Bergström Holm Sørensen Lindgren'),
  },
  pl: {
    female: split('Zuzanna Julia Maja Zofia Hanna Lena Alicja Maria Amelia Oliwia Natalia Aleksandra Wiktoria'),
    male: split('Antoni Jakub Jan Szymon Franciszek Filip Aleksander Mikołaj Wojciech Kacper Piotr Tomasz'),
    last: split('Nowak Kowalska Wiśniewska Wójcik Kowalczyk Kamińska Lewandowska Zielińska Szymańska Woźniak Dąbrowska Kozłowska'),
  },
};

/** Polish surnames ending in -ska take -ski for men. */
export function surnameFor(pool: NamePool, last: string, gender: string | undefined): string {
  return pool === 'pl' && gender === 'male' && last.endsWith('ska') ? `${last.slice(0, -3)}ski` : last;
}

const FOLD: Record<string, string> = { 'ß': 'ss', 'ø': 'o', 'æ': 'ae', 'å': 'a', 'ł': 'l', 'œ': 'oe', 'đ': 'd' };

/** A name folded to what fits an email local part: ASCII letters only. */
export function asciiFold(name: string): string {
  return name.toLowerCase()
    .replace(/[ßøæåłœđ]/g, (ch) => FOLD[ch]!)
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z]/g, '');
}
