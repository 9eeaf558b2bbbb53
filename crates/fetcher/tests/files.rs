//! `file://` URLs go through the same outcomes as http.

use factwire_fetcher::{FetchRequest, Outcome, RequestKind, SkipReason, local_path_to_url};
use factwire_testkit::{fixtures_dir, temp_dir};

use crate::fetcher;

#[test]
fn trusted_local_feed_is_read_and_revalidated_by_mtime() {
    let f = fetcher(|_| {});
    let path = fixtures_dir()
        .join("feeds/rss2_basic.xml")
        .canonicalize()
        .unwrap();
    let url = local_path_to_url(&path).unwrap();
    let first = f.fetch_one(FetchRequest::new(&url, RequestKind::Feed).trusted());
    let Outcome::Fetched(page) = first.outcome else {
        panic!("{:?}", first.outcome)
    };
    assert_eq!(page.final_url, url);
    assert_eq!(page.content_type.as_deref(), Some("application/xml"));
    assert!(page.etag.is_none());
    let lm = page.last_modified.clone().expect("mtime as Last-Modified");
    let again = f.fetch_one(
        FetchRequest::new(&url, RequestKind::Feed)
            .trusted()
            .with_validators(None, Some(lm)),
    );
    assert!(
        matches!(again.outcome, Outcome::NotModified),
        "{:?}",
        again.outcome
    );
    let entries = factwire_fetcher::feeds::parse(&page.body, &page.final_url).unwrap();
    assert!(!entries.is_empty());
}

#[test]
fn local_files_need_a_trusted_local_request_first() {
    let dir = temp_dir();
    let article = dir.path().join("a.html");
    std::fs::write(&article, "<html><body><p>hi</p></body></html>").unwrap();
    let url = local_path_to_url(&article).unwrap();
    let f = fetcher(|_| {});
    let refused = f.fetch_one(FetchRequest::new(&url, RequestKind::Article));
    assert!(
        matches!(
            refused.outcome,
            Outcome::Skipped {
                reason: SkipReason::LocalFile
            }
        ),
        "{:?}",
        refused.outcome
    );
    assert_eq!(refused.outcome.class(), "local_file");

    let feed = dir.path().join("feed.xml");
    std::fs::write(
        &feed,
        "<rss version=\"2.0\"><channel><item><link>a.html</link></item></channel></rss>",
    )
    .unwrap();
    let feed_url = local_path_to_url(&feed).unwrap();
    let page = match f
        .fetch_one(FetchRequest::new(&feed_url, RequestKind::Feed).trusted())
        .outcome
    {
        Outcome::Fetched(page) => page,
        other => panic!("{other:?}"),
    };
    let entries = factwire_fetcher::feeds::parse(&page.body, &page.final_url).unwrap();
    assert_eq!(entries[0].url, url);
    // Reading a trusted local feed widens nothing: the link is still refused...
    let still = f.fetch_one(FetchRequest::new(&entries[0].url, RequestKind::Article));
    assert_eq!(still.outcome.class(), "local_file", "{:?}", still.outcome);
    // ...until the feed's scope trusts it (it lies in the feed's folder).
    let scope = factwire_fetcher::LinkScope::of_feed(&page.final_url, None);
    assert!(scope.trusts(&entries[0].url));
    let mut request = FetchRequest::new(&entries[0].url, RequestKind::Article);
    request.trusted = scope.trusts(&entries[0].url);
    let allowed = f.fetch_one(request);
    assert_eq!(allowed.outcome.class(), "fetched", "{:?}", allowed.outcome);
}

#[cfg(unix)]
#[test]
fn a_feed_scope_ends_at_its_folder_and_follows_symlinks() {
    use factwire_fetcher::LinkScope;
    let dir = temp_dir();
    let feeds = dir.path().join("site/feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    std::fs::write(dir.path().join("site/beside.html"), "<p>x</p>").unwrap();
    std::os::unix::fs::symlink("/etc", feeds.join("etc")).unwrap();
    let feed = local_path_to_url(&feeds.join("feed.xml")).unwrap();
    let link = |rel: &str| format!("{feed}/../{rel}");
    let own = LinkScope::of_feed(&feed, None);
    assert!(own.trusts(&link("a.html")));
    assert!(own.trusts(&link("sub/b.html")));
    assert!(
        !own.trusts(&link("../beside.html")),
        "beside the feed's folder"
    );
    assert!(!own.trusts(&link("%2e%2e/beside.html")), "an encoded climb");
    assert!(
        !own.trusts(&link("etc/hostname")),
        "a symlink out of the folder"
    );
    assert!(!own.trusts("file:///etc/hostname"));
    assert!(!own.trusts("https://example.com/a"));
    let site = local_path_to_url(&dir.path().join("site")).unwrap();
    let wider = LinkScope::of_feed(&feed, Some(&site));
    assert!(wider.trusts(&link("../beside.html")));
    assert!(!wider.trusts("file:///etc/hostname"));
}

#[test]
fn missing_oversized_and_directory_files_fail_with_classes() {
    let dir = temp_dir();
    let big = dir.path().join("big.html");
    std::fs::write(&big, vec![b'a'; 5000]).unwrap();
    let f = fetcher(|s| s.max_body_bytes = 1000);
    let url = |p: &std::path::Path| local_path_to_url(p).unwrap();
    let go = |u: String| {
        f.fetch_one(FetchRequest::new(u, RequestKind::Article).trusted())
            .outcome
    };
    assert_eq!(go(url(&dir.path().join("nope.html"))).class(), "not_found");
    assert_eq!(go(url(&big)).class(), "too_large");
    assert_eq!(go(url(dir.path())).class(), "io");
}
