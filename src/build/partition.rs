//! Which articles a build publishes at its *now*, and why each other one is left out.

use super::report::LeftOut;
use super::BuildOptions;
use crate::model::article::{next_generation, Article, Status};
use chrono::{DateTime, FixedOffset};

/// The articles of a build, sorted by what it does with them.
pub(super) struct Partition {
    /// Published, or let in by `--drafts`, `--future`, `--expired`. Boxed as they
    /// were read: [`crate::model::site::Site::new_kept`] sorts them by pointer and
    /// moves each once.
    #[allow(clippy::vec_box)]
    pub included: Vec<Box<Article>>,
    /// Left out: drafts, scheduled and expired articles.
    pub aside: Vec<Article>,
    /// Taken down: each gets a notice, and is in no list.
    pub withdrawn: Vec<Article>,
    /// What was left out, counted.
    pub left_out: LeftOut,
    /// When the next article falls due or expires: a status changes then.
    pub next_change: Option<DateTime<FixedOffset>>,
    /// The bundle folders (`dir/`) of the articles not published, whose files stay out.
    pub hidden_bundles: Vec<String>,
}

/// Sorts `articles` by their status at `now`. An article whose status changed gets a
/// new generation: its item and card say what it is.
pub(super) fn partition(
    articles: impl Iterator<Item = Box<Article>>,
    options: &BuildOptions,
    now: DateTime<FixedOffset>,
) -> Partition {
    // Most are published: room for all at once.
    let mut p = Partition {
        included: Vec::with_capacity(articles.size_hint().0),
        aside: Vec::new(),
        withdrawn: Vec::new(),
        left_out: LeftOut::default(),
        next_change: None,
        hidden_bundles: Vec::new(),
    };
    for mut a in articles {
        let status = Status::at(&a.front, now);
        if status != a.status {
            a.status = status;
            a.generation = next_generation();
        }
        for at in [Some(a.front.date.at), a.front.expires.map(|e| e.at)]
            .into_iter()
            .flatten()
            .filter(|at| *at > now)
        {
            p.next_change = Some(p.next_change.map_or(at, |n| n.min(at)));
        }
        let include = match status {
            Status::Published => true,
            Status::Draft => options.drafts,
            Status::Scheduled => options.future,
            Status::Expired => options.expired,
            Status::Withdrawn => false,
        };
        if include {
            p.left_out.scheduled_included += usize::from(status == Status::Scheduled);
            p.included.push(a);
            continue;
        }
        p.left_out.count(&a);
        p.hidden_bundles
            .extend(a.bundle.as_ref().map(|b| format!("{b}/")));
        match status {
            Status::Withdrawn => p.withdrawn.push(*a),
            _ => p.aside.push(*a),
        }
    }
    p
}
