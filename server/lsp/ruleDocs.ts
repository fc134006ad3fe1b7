// Rule documentation bundled into the server, for `codeDescription.href` when the markdown files are
// not on disk next to the server (an installed VSIX ships only the bundles): written once to a
// per-version directory under the OS temp dir and linked as file URIs, which every editor can open.
import TL001 from '../rules/docs/TL001.md';
import TL002 from '../rules/docs/TL002.md';
import TL003 from '../rules/docs/TL003.md';
import TL004 from '../rules/docs/TL004.md';
import TL005 from '../rules/docs/TL005.md';
import TL006 from '../rules/docs/TL006.md';
import TL007 from '../rules/docs/TL007.md';
import TL008 from '../rules/docs/TL008.md';
import TL009 from '../rules/docs/TL009.md';
import TL010 from '../rules/docs/TL010.md';
import TL011 from '../rules/docs/TL011.md';
import TL012 from '../rules/docs/TL012.md';
import TL013 from '../rules/docs/TL013.md';
import TL014 from '../rules/docs/TL014.md';
import TL015 from '../rules/docs/TL015.md';
import TL016 from '../rules/docs/TL016.md';

export const RULE_DOCS: Record<string, string> = { TL001, TL002, TL003, TL004, TL005, TL006, TL007, TL008, TL009, TL010, TL011, TL012, TL013, TL014, TL015, TL016 };
