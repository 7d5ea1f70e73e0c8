/**
 * Russian for the JupyterLab strings that the official language pack
 * (jupyterlab-language-pack-ru-RU) does not translate yet or leaves in English: the status
 * bar's «Cell 1/53», the «Raw» cell type, menu items of the file, view and context menus
 * (ru_RU.json, one home for them; tests/test_panel.py keeps each entry one the pack lacks).
 *
 * JupyterLab's translator loads its strings through the ITranslatorConnector service
 * (@jupyterlab/translation-extension:translator-connector, which package.json disables in
 * favour of this plugin): this connector asks the server's translations API exactly as that
 * one does and adds the missing Russian strings to the answer. What the pack translates is
 * never replaced.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ILanguageList,
  ITranslatorConnector,
  Language,
  TranslatorConnector
} from '@jupyterlab/translation';
import { DataConnector } from '@jupyterlab/statedb';

import supplement from './ru_RU.json';

/** Domain → msgid → translations (the pack's own JSON format). */
const SUPPLEMENT: { [domain: string]: { [msgid: string]: string[] } } =
  supplement;

/** The language of a translations API answer, e.g. «ru-RU», or '' for English. */
function languageOf(answer: Language): string {
  for (const domain of Object.values(answer.data ?? {})) {
    return String(domain['']?.language ?? '');
  }
  return '';
}

/** ``answer`` with the strings of SUPPLEMENT that its domains lack, when it is Russian. */
export function supplemented(answer: Language): Language {
  if (!/^ru([-_]|$)/i.test(languageOf(answer))) {
    return answer;
  }
  const data = { ...answer.data };
  for (const [domain, strings] of Object.entries(SUPPLEMENT)) {
    const given = data[domain];
    if (!given) {
      continue;
    }
    const merged = { ...given };
    for (const [msgid, translations] of Object.entries(strings)) {
      const own = given[msgid];
      // The pack's Russian wins; its "translation" that is the English msgid itself does not.
      if (!own || own.every(text => !text || text === msgid)) {
        merged[msgid] = translations;
      }
    }
    data[domain] = merged;
  }
  return { ...answer, data };
}

class CourseTranslatorConnector
  extends DataConnector<Language, Language, { language: string } | undefined>
  implements ITranslatorConnector
{
  constructor(private readonly server: TranslatorConnector) {
    super();
  }

  fetch(): Promise<ILanguageList>;
  fetch(opts: { language: string }): Promise<Language>;
  async fetch(opts?: { language: string }): Promise<Language | ILanguageList> {
    if (!opts) {
      return this.server.fetch();
    }
    return supplemented(await this.server.fetch(opts));
  }
}

export const translatorConnector: JupyterFrontEndPlugin<ITranslatorConnector> = {
  id: 'gd-course-panel:translator-connector',
  description: 'Русский перевод строк JupyterLab, которых нет в языковом пакете',
  autoStart: true,
  requires: [JupyterFrontEnd.IPaths],
  provides: ITranslatorConnector,
  activate: (
    app: JupyterFrontEnd,
    paths: JupyterFrontEnd.IPaths
  ): ITranslatorConnector =>
    new CourseTranslatorConnector(
      new TranslatorConnector(
        paths.urls.translations,
        app.serviceManager.serverSettings
      )
    )
};
