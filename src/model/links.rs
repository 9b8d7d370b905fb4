//! How a body's links are answered: the questions Markdown asks of the site (which
//! actor a name is, which page an article file has), and the record of each answer,
//! which tells a session's update whether a body must be rendered again.

/// An actor a link can point at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ActorRef {
    /// The href, relative to an article's or a term's page (both two folders deep).
    pub href: String,
    /// The actor's slug.
    pub slug: String,
    /// Every name the actor goes by: display name, profile name, aliases.
    pub names: Vec<String>,
}

/// Answers the links a body cannot resolve by itself.
pub trait Links {
    /// The actor called `name` (a name or an alias).
    fn actor(&self, name: &str) -> Option<ActorRef>;
    /// The href, relative to a page two folders deep, of the article whose file is
    /// `content_path` (relative to `content/`, normalised).
    fn article(&self, content_path: &str) -> Option<String>;
}

/// One link a body asked the site to resolve.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkUse {
    /// What was asked.
    pub target: LinkTarget,
    /// The answer.
    pub answer: Answer,
}

/// What the site answered about a link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Answer {
    /// The actor, with every name it goes by.
    Actor(Option<ActorRef>),
    /// The article's href.
    Article(Option<String>),
}

/// What a link names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkTarget {
    /// An actor, by name or alias.
    Actor(String),
    /// An article, by its path under `content/`.
    Article(String),
}

impl LinkTarget {
    /// The answer `links` gives now.
    pub fn resolve(&self, links: &dyn Links) -> Answer {
        match self {
            LinkTarget::Actor(name) => Answer::Actor(links.actor(name)),
            LinkTarget::Article(path) => Answer::Article(links.article(path)),
        }
    }
}
