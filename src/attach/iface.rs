//! Interfaces by name, through the kernel; an unknown name gets the nearest existing ones.
use crate::error::{ErrorKind, X0Error};
use crate::sys::netlink::{self, nl_err};

/// An interface by name, through the kernel. Unknown names get the nearest existing ones.
pub fn resolve_iface(name: &str) -> Result<netlink::Link, X0Error> {
    if let Some(l) = netlink::get_link(name).map_err(nl_err)? {
        return Ok(l);
    }
    let links = netlink::list_links().map_err(nl_err)?;
    let mut names: Vec<(usize, String)> = links
        .iter()
        .map(|l| (edit_distance(name, &l.name), l.name.clone()))
        .collect();
    names.sort();
    // The nearest few, shown in name order.
    let mut near: Vec<String> = names.iter().take(4).map(|(_, n)| n.clone()).collect();
    near.sort();
    let namespaces = crate::sys::ns::named_netns();
    Err(X0Error::new(
        ErrorKind::NotFound,
        format!("no interface named {name} in this network namespace"),
    )
    .errno(libc::ENODEV)
    .hint(format!(
        "interfaces here: {}{}; an interface of another network namespace needs --netns NAME{}",
        near.join(", "),
        if links.len() > near.len() {
            ", …"
        } else {
            ""
        },
        if namespaces.is_empty() {
            String::new()
        } else {
            format!(
                " (ip netns: {}{})",
                namespaces
                    .iter()
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                if namespaces.len() > 8 { ", …" } else { "" }
            )
        }
    )))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
