//! What wants each page, in an editor's words, for the messages about two things that
//! would write one path.

use super::PageKind;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use std::path::PathBuf;

/// What wants a page, for messages, and its source file if it has one.
pub(super) fn origin(site: &Site, kind: PageKind) -> (String, Option<PathBuf>) {
    let term = |k: TaxonomyKind, i: usize| {
        let name = &site.taxonomy(k).terms[i].name;
        format!("{} {name:?}", k.singular().to_lowercase())
    };
    let what = match kind {
        PageKind::Article(i) => {
            let file = &site.articles[i].file;
            return (file.display().to_string(), Some(file.clone()));
        }
        PageKind::Home(_) => "the home page".into(),
        PageKind::Taxonomy(k) => format!("the {} list", k.key()),
        PageKind::Term(k, i, _) => format!("the page of {}", term(k, i)),
        PageKind::Feed(Some((k, i)), f) => format!("the {} feed of {}", f.label(), term(k, i)),
        PageKind::Archive => "the archive".into(),
        PageKind::Year(y, _) => format!("the archive of {}", site.archive[y].year),
        PageKind::Month(y, m, _) => {
            let year = &site.archive[y];
            let name = crate::model::archive::month_name(year.months[m].month);
            format!("the archive of {name} {}", year.year)
        }
        PageKind::Search => "the search page".into(),
        PageKind::SearchIndex(_) => "the search index".into(),
        PageKind::Feed(None, f) => format!("the site's {} feed", f.label()),
        PageKind::Alias(i, n) => {
            let a = &site.articles[i];
            let what = format!("the alias {} of {}", a.front.aliases[n], a.file.display());
            return (what, Some(a.file.clone()));
        }
        PageKind::Redirects => "the redirects file".into(),
        PageKind::WithdrawnAlias(i, n) => {
            let a = &site.withdrawn[i];
            let what = format!("the alias {} of {}", a.front.aliases[n], a.file.display());
            return (what, Some(a.file.clone()));
        }
        PageKind::Withdrawn(i) => {
            let file = &site.withdrawn[i].file;
            return (
                format!("the notice of {}", file.display()),
                Some(file.clone()),
            );
        }
        PageKind::Corrections => "the corrections log".into(),
        PageKind::Edition(d, file) => {
            format!("the edition of {} ({})", site.editions[d].day, file.file())
        }
        PageKind::EditionsIndex(_) => "the editions index".into(),
        PageKind::CorrectionsFeed(f) => format!("the corrections' {} feed", f.label()),
        PageKind::Sitemap(_) => "the sitemap".into(),
        PageKind::SitemapIndex => "the sitemap index".into(),
        PageKind::NewsSitemap => "the news sitemap".into(),
        PageKind::Robots => "robots.txt".into(),
        PageKind::NotFound => "the not-found page".into(),
    };
    (what, None)
}
